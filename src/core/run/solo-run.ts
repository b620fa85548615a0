import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatUsd } from '../../util/format.js';
import type { Context } from '../context.js';
import { stripProvenance } from '../drift/provenance.js';
import { autoMaintenance, requireRepo, status, workTreeView } from '../git/index.js';
import { isTddStep } from '../testfiles/index.js';
import { betweenSteps } from './between-steps.js';
import type { OnEvent } from './events.js';
import { createExecutor, type Executor } from './executors/index.js';
import { workCommittedByHand } from './hand-commits.js';
import { defaultRunHooks, mergeHooks, newRunId } from './hooks.js';
import { doneSteps } from './landed-steps.js';
import { machineState } from './machine-state.js';
import { loadPlanSource, type PlanSource } from './plan-source.js';
import { prepareRun } from './prepare-run.js';
import { acquireRunLock } from './run-lock.js';
import { runsRoot } from './run-record.js';
import type { RunHooks } from './seams.js';
import { checkSelection, checkStepRunnable, nextStep, type Selection } from './select.js';
import type { RunSettings } from './settings.js';
import { runOneStep } from './solo-step.js';
import { testPreflight } from './test-preflight.js';
import type { RunPlanResult } from './types.js';

export type { RunPlanResult, StepReport } from './types.js';

/** What a caller may add to a solo run besides its settings (tests, benchmarks, the board). */
export interface RunDeps {
  onEvent?: OnEvent;
  /** Use this executor instead of creating one by name (tests, benchmarks). */
  executor?: Executor;
  /** Hooks added to the defaults (hooks.ts). */
  hooks?: Partial<RunHooks>;
}

/** The plan file's mtime, to notice an edit between steps. */
/** Steps done on HEAD (landed or ticked), for the cheap "anything to do?" check before preflight. */
async function doneOnHead(ctx: Context, repo: string, src: PlanSource): Promise<Set<number>> {
  const todoRel = relative(repo, src.todoPath).split('\\').join('/');
  const done = await doneSteps(ctx, { dir: repo, planId: src.planId, todoRel, todoText: src.todoText }).catch(
    () => new Map<number, unknown>(),
  );
  return new Set(done.keys());
}

const planStamp = async (src: PlanSource) => (await stat(src.planPath).catch(() => undefined))?.mtimeMs ?? 0;

function simulate(
  plan: Parameters<typeof nextStep>[0],
  sel: Selection,
  done: Set<number>,
  active?: number,
): number[] {
  const d = new Set(done);
  const out: number[] = [];
  for (let n = nextStep(plan, sel, d, 0, active); n !== undefined; n = nextStep(plan, sel, d, out.length)) {
    out.push(n);
    d.add(n);
  }
  return out;
}

/**
 * `specloop run` (solo): execute the plan's remaining steps one by one on the run branch. Each
 * step: executor → our checks (executeStep) → one commit with the todo tick and the
 * `Specloop-Step` trailer (commitStep). A step that exhausts its attempts stops the run
 * (exitCode 1) with its work left uncommitted. Safe to kill at any point: see prepare-run.ts.
 * One run per repository at a time (run-lock.ts).
 */
export async function runPlan(ctx: Context, o: RunSettings, deps: RunDeps = {}): Promise<RunPlanResult> {
  const repo = o.dryRun ? undefined : await requireRepo(ctx.cwd, { env: ctx.env });
  const lock = repo
    ? await acquireRunLock(repo, { command: 'specloop run', now: ctx.clock.now() })
    : undefined;
  let result: RunPlanResult | undefined;
  try {
    result = await runSolo(ctx, o, deps, lock?.killedLeftovers.length ? lock.killedLeftovers : undefined);
    return result;
  } finally {
    // The steps' commits skipped git's per-commit auto maintenance: it runs once, here.
    if (repo && result?.steps.some((s) => s.commit)) await autoMaintenance(repo, { env: ctx.env });
    await lock?.release();
  }
}

async function runSolo(
  ctx: Context,
  o: RunSettings,
  deps: RunDeps,
  killed: number[] | undefined,
): Promise<RunPlanResult> {
  const started = ctx.clock.now();
  const onEvent: OnEvent = deps.onEvent ?? (() => {});
  const sel = o.selection;
  const runId = newRunId(ctx);
  const hooks = mergeHooks(defaultRunHooks(ctx, o), deps.hooks);
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  let src = await loadPlanSource(ctx, { repoRoot: repo, from: o.from });
  let stamp = await planStamp(src);
  checkSelection(src.plan, sel);
  const testCommand = o.testCommand;
  // With nothing left to run, no model (and so no key) is needed.
  const idle = simulate(src.plan, sel, await doneOnHead(ctx, repo, src), undefined).length === 0;
  const executor =
    deps.executor ??
    (await createExecutor(ctx, o.executor, {
      model: o.model,
      maxToolCalls: o.maxToolCalls,
      preflight: !o.dryRun && !idle,
    }));
  if (killed)
    onEvent({ type: 'note', text: `stopped ${killed.length} process group(s) left running by a killed run` });
  const prepared = await prepareRun(ctx, src, {
    branch: o.branch,
    yes: o.yes,
    dryRun: o.dryRun,
    interrupted: Boolean(killed),
    validate: (done, active) => checkStepRunnable(src.plan, sel, done, active?.step),
    idle: (done, active) => simulate(src.plan, sel, new Set(done), active?.step).length === 0,
    resumeStep: (done) => nextStep(src.plan, sel, done, 0),
  });
  for (const text of prepared.notes) onEvent({ type: 'note', text });
  const done = new Set(prepared.done.keys());
  let active = prepared.active?.step;
  const title = (n: number) => src.plan.steps.find((s) => s.number === n)?.title ?? `step ${n}`;
  const planned = simulate(src.plan, sel, done, active).map((n) => ({
    step: n,
    title: title(n),
    tdd: isTddStep(src.plan.steps.find((s) => s.number === n) ?? { prompt: '' }, o.tdd),
  }));
  const maxCost = o.maxCost;
  const result: RunPlanResult = {
    planId: src.planId,
    planFile: relative(repo, src.planPath),
    todoFile: relative(repo, src.todoPath),
    branch: prepared.branch.target,
    branchAction: prepared.branch.action,
    executor: executor.label,
    testCommand,
    dryRun: o.dryRun,
    planned,
    steps: [],
    done: [],
    remaining: [],
    total: src.plan.steps.length,
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costKnown: true,
    durationMs: 0,
    notes: prepared.notes,
    exitCode: 0,
  };
  const finish = () => {
    result.done = [...done].sort((a, b) => a - b);
    result.remaining = src.plan.steps.map((s) => s.number).filter((n) => !done.has(n));
    result.durationMs = ctx.clock.now() - started;
    return result;
  };
  if (o.dryRun) return finish();

  const spec = src.specPath
    ? await readFile(src.specPath, 'utf8').then(stripProvenance, () => undefined)
    : undefined;
  const projectDir = ctx.projectRoot ? relative(repo, ctx.projectRoot) : '';
  const testDir = projectDir && !projectDir.startsWith('..') ? projectDir : undefined;
  // The suite must be runnable and green before any agent is paid to build on it; not when an
  // interrupted step's work is in the tree (the recovery checks that work itself).
  if (planned.length > 0 && !prepared.active)
    await testPreflight(ctx, {
      cwd: testDir ? join(repo, testDir) : repo,
      command: testCommand,
      timeoutMs: o.testTimeoutMs,
      allowRed: o.allowRed,
      onEvent,
    });
  for (;;) {
    let planChanged = false;
    if (result.steps.length > 0 && (await planStamp(src)) !== stamp) {
      // The plan was edited during the run: later steps run as they read now.
      src = await loadPlanSource(ctx, { repoRoot: repo, from: o.from });
      stamp = await planStamp(src);
      planChanged = true;
      onEvent({ type: 'note', text: `${result.planFile} changed: re-read it before the next step` });
    }
    const n = nextStep(src.plan, sel, done, result.steps.length, active);
    // One `git status` per step start, shared by the between-steps hooks and the step.
    const tree = workTreeView(repo, { env: ctx.env });
    const gate = await betweenSteps(ctx, {
      hooks: hooks.betweenSteps,
      runId,
      mode: 'solo',
      repo,
      planId: src.planId,
      done: [...done],
      next: n,
      planChanged,
      tree,
      note: (text) => onEvent({ type: 'note', text }),
    });
    if (gate.stop) {
      result.stopped = 'paused';
      result.hint = `${gate.stop}; run \`specloop run\` again to continue`;
      break;
    }
    if (n === undefined) break;
    if (maxCost !== undefined && result.cost >= maxCost) {
      result.stopped = 'cost-limit';
      result.hint = `spent ${formatUsd(result.cost)} of --max-cost ${formatUsd(maxCost)}; raise it and run again to continue`;
      break;
    }
    const step = src.plan.steps.find((s) => s.number === n);
    if (!step) break;
    onEvent({
      type: 'step-start',
      step: n,
      title: step.title,
      index: result.steps.length + 1,
      total: Math.max(planned.length, result.steps.length + 1),
    });
    const report = await runOneStep(ctx, {
      repo,
      src,
      step,
      executor,
      testCommand,
      testDir,
      spec,
      journal: prepared.journal,
      done: [...done],
      maxCost: maxCost === undefined ? undefined : maxCost - result.cost,
      existing: active === n && prepared.active?.phase === 'executing' ? 'continue' : 'verify',
      committedWork:
        active === n
          ? await workCommittedByHand(ctx, repo, result.todoFile, prepared.active?.base)
          : undefined,
      settings: o,
      runId,
      hooks,
      onEvent,
      tree: await tree.read(),
    });
    result.usage.inputTokens += report.usage.inputTokens;
    result.usage.outputTokens += report.usage.outputTokens;
    result.cost += report.cost;
    result.costKnown &&= report.costKnown;
    if (!report.usageKnown) result.usageKnown = false;
    result.steps.push(report);
    if (!report.ok) {
      result.stopped = report.reason?.startsWith('cost limit') ? 'cost-limit' : 'failed';
      const left = await status(repo, { env: ctx.env, exclude: machineState(ctx, repo) });
      const work = left.some((e) => e.path !== result.todoFile);
      result.hint =
        result.stopped === 'cost-limit'
          ? `spent ${formatUsd(result.cost)} of --max-cost ${formatUsd(maxCost ?? 0)}; raise it and run again to continue` +
            (work ? ` (step ${n}'s partial work stays in the tree and is tested first)` : '')
          : work
            ? `step ${n}'s work is left uncommitted in the tree (git status / git diff). Fix it by hand and run ` +
              `\`specloop run --step ${n}\` (your fix is tested first), or discard it with ` +
              '`git checkout -- . && git clean -fd -e .specloop` and run again.'
            : report.reason?.startsWith('model error:')
              ? // 429 / 5xx / timeouts that outlasted llm.maxRetries: the step is not to blame.
                `the model endpoint kept failing after its retries (llm.maxRetries); try again later with ` +
                `\`specloop run --step ${n}\`, or raise llm.maxRetries / llm.timeoutMs in the config.`
              : `step ${n} left no changes in the tree. See what the executor tried above, ` +
                `make the step's prompt in ${result.planFile} clearer or smaller, and run \`specloop run --step ${n}\`.`;
      // Every attempt's prompt, output, tests and diff (run-record.ts).
      result.hint += ` Each attempt is recorded in ${relative(repo, runsRoot(repo))}/${runId}/step-${n}/ (\`specloop show ${n}\`).`;
      break;
    }
    done.add(n);
    active = undefined;
  }
  if (result.stopped && result.stopped !== 'paused') result.exitCode = 1;
  return finish();
}
