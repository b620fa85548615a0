/**
 * The ONE place the MCP server reaches into specloop's run, team and plan code. Every tool
 * calls these functions, and these call only the public APIs (`run/index.ts`,
 * `team/index.ts`, `plan/index.ts`, `git/index.ts`, `undo/index.ts`): the CLI and the server share one
 * implementation, and when the run core changes, only this file follows it.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { PlanStep } from '../plan/index.js';
import type { PlanSource, RunFlags, RunSettings } from '../run/index.js';

const runApi = () => import('../run/index.js');
const planApi = () => import('../plan/index.js');
const teamApi = () => import('../team/index.js');
const gitApi = () => import('../git/index.js');

const rel = (root: string, p: string) => relative(root, p).split('\\').join('/');

interface LoadedPlan {
  repo: string;
  src: PlanSource;
  /**
   * Done as `run` counts it, with the commit that landed it: landed (trailer commits,
   * reverts undone) or ticked by hand in the COMMITTED todo.md (no commit).
   */
  done: Map<number, string | undefined>;
}

/** Find the plan the way `specloop run` does (prompt_plan.md + todo.md, or `from`). */
async function loadPlan(ctx: Context, from?: string): Promise<LoadedPlan> {
  const [run, git] = await Promise.all([runApi(), gitApi()]);
  const env = ctx.env;
  const repo = await git.requireRepo(ctx.cwd, { env });
  const src = await run.loadPlanSource(ctx, { repoRoot: repo, from });
  const todoRel = rel(repo, src.todoPath);
  // Ticks as committed: only specloop ticks (in the step's commit), so a box the agent
  // ticked in the working tree does not make a step done. Untracked todo.md: as on disk.
  const committed = await git.showFile(repo, 'HEAD', todoRel, { env });
  const done = await run.doneSteps(ctx, {
    dir: repo,
    planId: src.planId,
    todoRel,
    workingTodo: src.todoText,
    todoText: committed ?? src.todoText,
  });
  return { repo, src, done: new Map([...done].map(([n, l]) => [n, l?.commit])) };
}

/** The run settings a `specloop run --step N` (with `--team …` in team mode) would use. */
async function settingsFor(ctx: Context, flags: RunFlags): Promise<RunSettings> {
  return (await runApi()).resolveRunSettings(ctx, flags);
}

export interface StepState {
  number: number;
  title: string;
  state: 'done' | 'ready' | 'blocked';
  dependsOn: number[];
  /** Steps it still waits on (blocked only). */
  waitingOn?: number[];
}

export interface PlanStatus {
  planFile: string;
  todoFile: string;
  total: number;
  done: number[];
  ready: number[];
  blocked: { step: number; waitingOn: number[] }[];
  next: { number: number; title: string } | null;
  complete: boolean;
  steps: StepState[];
}

/** Steps done, ready, blocked and the next one, from the same plan files `run` reads. */
export async function planStatus(ctx: Context, o: { from?: string } = {}): Promise<PlanStatus> {
  const { repo, src, done: landed } = await loadPlan(ctx, o.from);
  const done = new Set(landed.keys());
  const plan = await planApi();
  const ready = plan.readySteps(src.plan, done);
  const blocked = plan.blockedSteps(src.plan, done);
  const waiting = new Map(blocked.map((b) => [b.step, b.waitingOn]));
  const steps = src.plan.steps.map(
    (s): StepState => ({
      number: s.number,
      title: s.title,
      state: done.has(s.number) ? 'done' : ready.includes(s.number) ? 'ready' : 'blocked',
      dependsOn: s.dependsOn,
      ...(waiting.has(s.number) ? { waitingOn: waiting.get(s.number) } : {}),
    }),
  );
  const next = src.plan.steps.find((s) => s.number === ready[0]);
  return {
    planFile: rel(repo, src.planPath),
    todoFile: rel(repo, src.todoPath),
    total: src.plan.steps.length,
    done: [...done].sort((a, b) => a - b),
    ready,
    blocked,
    next: next ? { number: next.number, title: next.title } : null,
    complete: src.plan.steps.every((s) => done.has(s.number)),
    steps,
  };
}

/**
 * The step to work on: the one asked for, refused as `run --step N` refuses it (done, or
 * waiting on unfinished steps — in a team only "done": the remote decides the rest), else
 * the step `run --next` would take.
 */
async function pickStep(p: LoadedPlan, wanted?: number, o: { deps?: boolean } = {}): Promise<PlanStep> {
  const run = await runApi();
  const { plan } = p.src;
  if (wanted === undefined) {
    const n = run.nextStep(plan, { kind: 'next' }, new Set(p.done.keys()), 0);
    const next = plan.steps.find((s) => s.number === n);
    if (next) return next;
    const left = plan.steps.filter((s) => !p.done.has(s.number));
    throw new UsageError(left.length ? 'no step is ready' : `all ${plan.steps.length} steps are done`, {
      code: left.length ? 'E_NOTHING_READY' : 'E_PLAN_DONE',
      hint: left.length
        ? 'every remaining step waits on another: see plan_status'
        : 'the plan is finished; write a new one with `specloop plan` or `specloop change`',
    });
  }
  const step = plan.steps.find((s) => s.number === wanted);
  if (!step)
    throw new UsageError(`the plan has no step ${wanted}`, {
      code: 'E_NO_STEP',
      hint: `steps are ${plan.steps.map((s) => s.number).join(', ')}: see plan_status`,
    });
  if (o.deps !== false || p.done.has(wanted))
    run.checkStepRunnable(plan, { kind: 'step', n: wanted }, p.done);
  return step;
}

const readSpec = (src: PlanSource) =>
  src.specPath ? readFile(src.specPath, 'utf8').catch(() => undefined) : Promise.resolve(undefined);

export interface NextStep {
  step: number;
  title: string;
  /** The prompt exactly as `specloop run` gives it to an executor for the first attempt. */
  prompt: string;
  testCommand: string;
  /** True when landing requires a touched test file. */
  tdd: boolean;
  dependsOn: number[];
}

/** The step's full first prompt, built by the same code `run` uses (spec, overview, done steps, context, rules). */
export async function nextStep(ctx: Context, o: { step?: number; from?: string } = {}): Promise<NextStep> {
  const p = await loadPlan(ctx, o.from);
  const step = await pickStep(p, o.step);
  // The test command and TDD rule as `run --step N` resolves them (never the agent's).
  const { testCommand, tdd: tddOn } = await settingsFor(ctx, { step: step.number, from: o.from });
  const run = await runApi();
  const tdd = run.isTddStep(step, tddOn);
  const spec = await readSpec(p.src);
  // The run core exports no first-prompt builder; this is the function executeStep calls.
  const { stepPrompt } = await import('../run/prompts.js');
  const prompt = await stepPrompt(ctx, {
    plan: p.src.plan,
    step,
    spec,
    done: [...p.done.keys()],
    testCommand,
    tdd,
  });
  return { step: step.number, title: step.title, prompt, testCommand, tdd, dependsOn: step.dependsOn };
}

export interface LandResult {
  landed: boolean;
  step: number;
  title: string;
  /** The step's commit (landed only). */
  commit?: string;
  branch?: string;
  /** Files the step changed (repo-relative). */
  changed: string[];
  /** Why it was not landed. */
  reason?: string;
  /** The tail of our test run's output, when the tests ran. */
  testOutput?: string;
}

/** Never asked to run: land_step checks work an editor agent already did. */
const NO_EXECUTOR = {
  name: 'builtin' as const,
  label: 'editor agent (MCP)',
  run: async () => ({
    ok: false,
    reason: 'the MCP server never executes a step itself',
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
  }),
};

const MAX_TEST_OUTPUT = 8000;

/**
 * Land step N from the working tree: the plan files must be as specloop left them (only
 * specloop ticks boxes), then run's own checks — a non-empty diff, OUR test run green, a
 * touched test file for test-driven steps — and, if they pass, one commit on the current
 * branch with the todo tick and the `Specloop-Step` / `Specloop-Plan` trailers. A rejection
 * is a result (with the reason and the test output), not an error: the agent fixes and retries.
 */
export async function landStep(
  ctx: Context,
  o: { step: number; from?: string; team?: Omit<TeamWhere, 'from'> & { name?: string; force?: boolean } },
): Promise<LandResult> {
  const p = await loadPlan(ctx, o.from);
  // In a team the remote decides what is done (`specloop done` checks it); a local clone may lag.
  const step = await pickStep(p, o.step, { deps: !o.team });
  const team = o.team ? { team: true, remote: o.team.remote, branch: o.team.branch, name: o.team.name } : {};
  const settings = await settingsFor(ctx, { step: step.number, from: o.from, ...team });
  const [run, git] = await Promise.all([runApi(), gitApi()]);
  const env = ctx.env;
  const exclude = run.machineState(ctx, p.repo);
  const todoRel = rel(p.repo, p.src.todoPath);
  const guarded = new Set([
    rel(p.repo, p.src.planPath),
    todoRel,
    ...(p.src.specPath ? [rel(p.repo, p.src.specPath)] : []),
    rel(p.repo, `${ctx.projectRoot ?? p.repo}/specloop.toml`),
  ]);
  const entries = await git.status(p.repo, { env, exclude });
  const untracked = entries.filter((e) => e.code === '??' && guarded.has(e.path)).map((e) => e.path);
  if (untracked.length)
    throw new UsageError(`the plan is not committed yet: ${untracked.join(', ')}`, {
      code: 'E_PLAN_UNCOMMITTED',
      hint: `commit it first (git add ${untracked.join(' ')} && git commit -m "plan"), so step commits hold only the step's work`,
    });
  const base = { landed: false, step: step.number, title: step.title };
  const touched = entries.filter((e) => guarded.has(e.path)).map((e) => e.path);
  if (touched.length)
    return {
      ...base,
      changed: entries.map((e) => e.path),
      reason: `the working tree changes ${touched.join(', ')}, which a step may not change (only specloop ticks boxes and edits the plan); revert them with \`git checkout -- ${touched.join(' ')}\` and land again`,
    };
  const integrate = async (changed: string[], testOutput?: string): Promise<LandResult> => {
    const d = await (await teamApi()).doneStep(ctx, settings, p.src, {
      step: step.number,
      force: o.team?.force,
    });
    const branch = `${d.remote}/${d.branch}`;
    return { ...base, landed: true, commit: d.commit, branch, changed, testOutput };
  };
  // Team: work already committed on top of the team branch goes straight to `specloop done`.
  if (o.team && entries.length === 0) return integrate([]);
  const projectDir = ctx.projectRoot ? rel(p.repo, ctx.projectRoot) : '';
  const r = await run.executeStep(ctx, {
    repoDir: p.repo,
    plan: p.src.plan,
    step,
    executor: NO_EXECUTOR,
    testCommand: settings.testCommand,
    testTimeoutMs: settings.testTimeoutMs,
    tdd: settings.tdd,
    testDir: projectDir && !projectDir.startsWith('..') ? projectDir : undefined,
    // Zero executor attempts: only the check of the work already in the tree.
    maxAttempts: 0,
    existing: 'verify',
    spec: await readSpec(p.src),
    done: [...p.done.keys()],
    ignore: [todoRel],
    // The same pre-land checks every run mode applies (integrity, review gate, …).
    hooks: run.defaultRunHooks(ctx, settings),
    run: { runId: run.newRunId(ctx), planId: p.src.planId, mode: settings.mode },
  });
  const testOutput = r.lastTest ? r.lastTest.output.slice(-MAX_TEST_OUTPUT) : undefined;
  if (!r.ok)
    return {
      ...base,
      changed: r.changed,
      reason:
        r.reason?.replace(/^work already in the tree was checked first: /, '') ??
        `the working tree has no changes for step ${step.number}`,
      testOutput,
    };
  if (o.team) {
    // Our checks passed here; the work becomes a commit of its own, and `specloop done`
    // rebases it onto the team tip, tests it again and pushes it with the tick and trailer.
    await git.stageAll(p.repo, { env, exclude: [...exclude, todoRel] });
    await git.commit(p.repo, `step ${step.number}: ${step.title}\n`, { env });
    return integrate(r.changed, testOutput);
  }
  const commit = await run.commitStep(p.repo, {
    step: step.number,
    title: step.title,
    context: step.context,
    todoPath: p.src.todoPath,
    planId: p.src.planId,
    exclude,
    env,
  });
  const branch = await git.currentBranch(p.repo, { env });
  return { ...base, landed: true, commit, branch, changed: r.changed, testOutput };
}

/** Paths of the plan files (for the resources); undefined when the repo has no plan. */
export async function planFiles(
  ctx: Context,
): Promise<{ plan: string; todo: string; spec?: string } | undefined> {
  try {
    const { src } = await loadPlan(ctx);
    return { plan: src.planPath, todo: src.todoPath, spec: src.specPath };
  } catch {
    return undefined;
  }
}

export interface TeamWhere {
  remote?: string;
  branch?: string;
  from?: string;
}

/** `specloop undo [N]`: a revert commit that takes a landed step back (its box unticked in the same commit). */
export async function undoStep(ctx: Context, o: { step?: number; from?: string }) {
  const { undoStep: undo } = await import('../undo/index.js');
  return undo(ctx, { step: o.step, from: o.from });
}

/** `specloop team status`: every step as the team remote sees it (done, claimed and by whom, ready, blocked). */
export async function teamStatus(ctx: Context, o: TeamWhere) {
  const team = await teamApi();
  return team.teamStatus(ctx, await team.findTarget(ctx, o));
}

/** `specloop claim N` on the team remote. */
export async function claimStep(
  ctx: Context,
  o: TeamWhere & { step: number; name?: string; leaseSeconds?: number },
) {
  const team = await teamApi();
  const target = await team.findTarget(ctx, o);
  return team.claimStep(ctx, { ...target, step: o.step, name: o.name, leaseSeconds: o.leaseSeconds });
}

/** `specloop team release N` on the team remote. */
export async function releaseStep(
  ctx: Context,
  o: TeamWhere & { step: number; name?: string; force?: boolean },
) {
  const team = await teamApi();
  const target = await team.findTarget(ctx, o);
  return team.releaseStep(ctx, { ...target, step: o.step, name: o.name, force: o.force });
}
