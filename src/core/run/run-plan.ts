import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, UsageError } from '../errors.js';
import { commitStep } from './commit-step.js';
import type { OnEvent, Usage } from './events.js';
import { executeStep } from './execute-step.js';
import { createExecutor } from './executors/index.js';
import type { Executor } from './executors/types.js';
import { requireRepo } from './git.js';
import { type PlanJournal, planJournal, writeJournal } from './journal.js';
import { loadPlanSource } from './plan-source.js';
import { prepareRun } from './prepare-run.js';
import { checkSelection, checkStepRunnable, nextStep, type Selection, selectionFrom } from './select.js';

export interface RunPlanOptions {
  step?: number;
  next?: boolean;
  all?: boolean;
  until?: number;
  /** builtin | aider | claude | codex (default: config `run.executor`). */
  executor?: string;
  model?: string;
  /** Default: config `test.command`; none → exit 2. */
  testCommand?: string;
  testTimeoutMs?: number;
  maxAttempts?: number;
  tdd?: boolean;
  /** `--branch NAME`, or false for `--no-branch`. */
  branch?: string | false;
  /** Run the steps of this prompt_plan-format file instead of prompt_plan.md. */
  from?: string;
  /** USD; no new attempt starts once this much was spent. Default: config `run.maxCost`. */
  maxCost?: number;
  dryRun?: boolean;
  yes?: boolean;
  onEvent?: OnEvent;
  /** Test hook (SPECLOOP_CRASH_AT): called at named points; the CLI turns a match into SIGKILL. */
  crash?: (point: string, before?: () => void) => void;
  /** Use this executor instead of creating one by name (tests, benchmarks). */
  executorOverride?: Executor;
}

export interface StepReport {
  step: number;
  title: string;
  ok: boolean;
  attempts: number;
  commit?: string;
  reason?: string;
  usage: Usage;
  cost: number;
  durationMs: number;
  sessionIds: string[];
}

export interface RunPlanResult {
  planId: string;
  planFile: string;
  todoFile: string;
  branch: string;
  /** What the run did (or, in a dry run, would do) to get onto `branch`. */
  branchAction: 'stay' | 'create' | 'switch';
  executor: string;
  testCommand: string;
  dryRun: boolean;
  /** Steps this run would execute (dry run) or planned to when it started. */
  planned: { step: number; title: string }[];
  steps: StepReport[];
  done: number[];
  remaining: number[];
  total: number;
  stopped?: 'failed' | 'cost-limit';
  usage: Usage;
  cost: number;
  costKnown: boolean;
  durationMs: number;
  notes: string[];
  hint?: string;
  exitCode: 0 | 1;
}

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
 * `specloop run`: execute the plan's remaining steps one by one on the run branch. Each
 * step: executor → our checks (executeStep) → one commit with the todo tick and the
 * `Specloop-Step` trailer (commitStep). A step that exhausts its attempts stops the run
 * (exitCode 1) with its work left uncommitted. Safe to kill at any point: see prepare-run.ts.
 */
export async function runPlan(ctx: Context, o: RunPlanOptions = {}): Promise<RunPlanResult> {
  const started = ctx.clock.now();
  const onEvent: OnEvent = o.onEvent ?? (() => {});
  const sel = selectionFrom(o);
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  const src = await loadPlanSource(ctx, { repoRoot: repo, from: o.from });
  checkSelection(src.plan, sel);
  const testCommand = o.testCommand ?? ctx.config.test.command;
  if (!testCommand?.trim())
    throw new UsageError('no test command configured: specloop only commits steps its own test run accepts', {
      code: 'E_NO_TEST_CMD',
      hint: 'run `specloop init` (it detects one and writes [test] command to specloop.toml), or pass --test-cmd "npm test"',
    });
  const executor =
    o.executorOverride ??
    (await createExecutor(ctx, o.executor ?? ctx.config.run.executor, {
      model: o.model,
      maxToolCalls: ctx.config.run.maxToolCalls,
    }));
  const prepared = await prepareRun(ctx, src, {
    branch: o.branch,
    yes: o.yes,
    dryRun: o.dryRun,
    crash: o.crash,
    validate: (done, active) => checkStepRunnable(src.plan, sel, done, active?.step),
  });
  for (const text of prepared.notes) onEvent({ type: 'note', text });
  const done = new Set(prepared.done.keys());
  let active = prepared.active?.step;
  const title = (n: number) => src.plan.steps.find((s) => s.number === n)?.title ?? `step ${n}`;
  const planned = simulate(src.plan, sel, done, active).map((n) => ({ step: n, title: title(n) }));
  const maxCost = o.maxCost ?? ctx.config.run.maxCost;
  const result: RunPlanResult = {
    planId: src.planId,
    planFile: relative(repo, src.planPath),
    todoFile: relative(repo, src.todoPath),
    branch: prepared.branch.target,
    branchAction: prepared.branch.action,
    executor: executor.label,
    testCommand,
    dryRun: Boolean(o.dryRun),
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

  const spec = src.specPath ? await readFile(src.specPath, 'utf8').catch(() => undefined) : undefined;
  const projectDir = ctx.projectRoot ? relative(repo, ctx.projectRoot) : '';
  const testDir = projectDir && !projectDir.startsWith('..') ? projectDir : undefined;
  const pj: PlanJournal = planJournal(prepared.journal, src.planId);
  const save = () => writeJournal(repo, prepared.journal);
  for (;;) {
    const n = nextStep(src.plan, sel, done, result.steps.length, active);
    if (n === undefined) break;
    if (maxCost !== undefined && result.cost >= maxCost) {
      result.stopped = 'cost-limit';
      result.hint = `spent $${result.cost.toFixed(2)} of --max-cost $${maxCost.toFixed(2)}; raise it and run again to continue`;
      break;
    }
    const step = src.plan.steps.find((s) => s.number === n);
    if (!step) break;
    const t0 = ctx.clock.now();
    onEvent({
      type: 'step-start',
      step: n,
      title: step.title,
      index: result.steps.length + 1,
      total: Math.max(planned.length, result.steps.length + 1),
    });
    pj.active = {
      step: n,
      phase: 'executing',
      attempt: 1,
      startedAt: new Date(ctx.clock.now()).toISOString(),
    };
    await save();
    o.crash?.('journal');
    let r: Awaited<ReturnType<typeof executeStep>>;
    try {
      r = await executeStep(ctx, {
        repoDir: repo,
        plan: src.plan,
        step,
        executor,
        testCommand,
        testTimeoutMs: o.testTimeoutMs,
        testDir,
        maxAttempts: o.maxAttempts,
        tdd: o.tdd,
        spec,
        done: [...done],
        ignore: [relative(repo, src.todoPath)],
        maxCost: maxCost === undefined ? undefined : maxCost - result.cost,
        onEvent,
        signal: ctx.signal,
        crash: o.crash,
      });
    } catch (err) {
      if (err instanceof InterruptedError)
        onEvent({ type: 'note', text: `step ${n} interrupted; its work stays in the tree` });
      throw err;
    }
    result.usage.inputTokens += r.usage.inputTokens;
    result.usage.outputTokens += r.usage.outputTokens;
    result.cost += r.cost;
    result.costKnown &&= r.costKnown;
    const report: StepReport = {
      step: n,
      title: step.title,
      ok: r.ok,
      attempts: r.attempts,
      reason: r.reason,
      usage: r.usage,
      cost: r.cost,
      durationMs: 0,
      sessionIds: r.sessionIds,
    };
    const entry = { step: n, attempts: r.attempts, ...r.usage, cost: r.cost, sessionIds: r.sessionIds };
    if (!r.ok) {
      pj.active = { ...pj.active, phase: 'failed', attempt: r.attempts, reason: r.reason };
      pj.history.push({ ...entry, ok: false, reason: r.reason, at: new Date(ctx.clock.now()).toISOString() });
      await save();
      report.durationMs = ctx.clock.now() - t0;
      result.steps.push(report);
      onEvent({ type: 'step-end', step: n, ok: false, attempts: r.attempts, reason: r.reason });
      result.stopped = r.reason?.startsWith('cost limit') ? 'cost-limit' : 'failed';
      result.hint =
        `step ${n}'s work is left uncommitted in the tree (git status / git diff). Fix it by hand and run ` +
        `\`specloop run --step ${n}\` (your fix is tested first), or discard it with ` +
        '`git checkout -- . && git clean -fd -e .specloop` and run again.';
      break;
    }
    pj.active = { ...pj.active, phase: 'committing', attempt: r.attempts };
    await save();
    const sha = await commitStep(repo, {
      step: n,
      title: step.title,
      todoPath: src.todoPath,
      planId: src.planId,
      env: ctx.env,
      crash: o.crash,
    });
    o.crash?.('committed');
    pj.active = undefined;
    pj.history.push({ ...entry, ok: true, commit: sha, at: new Date(ctx.clock.now()).toISOString() });
    await save();
    o.crash?.('step-done');
    done.add(n);
    active = undefined;
    report.commit = sha;
    report.durationMs = ctx.clock.now() - t0;
    result.steps.push(report);
    onEvent({ type: 'step-end', step: n, ok: true, attempts: r.attempts, commit: sha });
  }
  if (result.stopped) result.exitCode = 1;
  return finish();
}
