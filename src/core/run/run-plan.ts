import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { isTddStep } from '../testfiles/index.js';
import type { OnEvent } from './events.js';
import { createExecutor } from './executors/index.js';
import { machineState, requireRepo, status } from './git.js';
import { loadPlanSource } from './plan-source.js';
import { prepareRun } from './prepare-run.js';
import { runOneStep } from './run-step.js';
import { checkSelection, checkStepRunnable, nextStep, type Selection, selectionFrom } from './select.js';
import type { RunPlanOptions, RunPlanResult } from './types.js';

export type { RunPlanOptions, RunPlanResult, StepReport } from './types.js';

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
      preflight: !o.dryRun,
    }));
  const prepared = await prepareRun(ctx, src, {
    branch: o.branch,
    yes: o.yes,
    dryRun: o.dryRun,
    crash: o.crash,
    validate: (done, active) => checkStepRunnable(src.plan, sel, done, active?.step),
    idle: (done, active) => simulate(src.plan, sel, new Set(done), active?.step).length === 0,
  });
  for (const text of prepared.notes) onEvent({ type: 'note', text });
  const done = new Set(prepared.done.keys());
  let active = prepared.active?.step;
  const title = (n: number) => src.plan.steps.find((s) => s.number === n)?.title ?? `step ${n}`;
  const tddOn = o.tdd ?? ctx.config.run.tdd;
  const planned = simulate(src.plan, sel, done, active).map((n) => ({
    step: n,
    title: title(n),
    tdd: isTddStep(src.plan.steps.find((s) => s.number === n) ?? { prompt: '' }, tddOn),
  }));
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
      run: o,
      onEvent,
    });
    result.usage.inputTokens += report.usage.inputTokens;
    result.usage.outputTokens += report.usage.outputTokens;
    result.cost += report.cost;
    result.costKnown &&= report.costKnown;
    result.steps.push(report);
    if (!report.ok) {
      result.stopped = report.reason?.startsWith('cost limit') ? 'cost-limit' : 'failed';
      const left = await status(repo, { env: ctx.env, exclude: machineState(ctx, repo) });
      result.hint = left.some((e) => e.path !== result.todoFile)
        ? `step ${n}'s work is left uncommitted in the tree (git status / git diff). Fix it by hand and run ` +
          `\`specloop run --step ${n}\` (your fix is tested first), or discard it with ` +
          '`git checkout -- . && git clean -fd -e .specloop` and run again.'
        : `step ${n} left no changes in the tree. See what the executor tried above (or \`specloop logs\`), ` +
          `make the step's prompt in ${result.planFile} clearer or smaller, and run \`specloop run --step ${n}\`.`;
      break;
    }
    done.add(n);
    active = undefined;
  }
  if (result.stopped) result.exitCode = 1;
  return finish();
}
