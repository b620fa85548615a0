import { relative } from 'node:path';
import { killLiveGroups, liveGroups } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { InterruptedError, isSpecloopError, WorkError } from '../errors.js';
import { headCommit, type WorkTreeState } from '../git/index.js';
import type { PlanStep } from '../plan/index.js';
import type { OnEvent } from './events.js';
import type { Executor } from './executors/types.js';
import { notifyAttempt } from './hooks.js';
import { type ActiveStep, type Journal, planJournal, writeJournal } from './journal.js';
import { commitStep } from './land-step.js';
import { machineState } from './machine-state.js';
import type { PlanSource } from './plan-source.js';
import { runsRoot } from './run-record.js';
import type { RunHooks } from './seams.js';
import type { RunSettings } from './settings.js';
import { executeStep } from './step-attempts.js';
import { usageOf } from './trailers.js';
import type { StepReport } from './types.js';

export interface RunOneStep {
  repo: string;
  src: PlanSource;
  step: PlanStep;
  executor: Executor;
  testCommand: string;
  testDir?: string;
  spec?: string;
  journal: Journal;
  done: number[];
  /** USD still allowed. */
  maxCost?: number;
  existing: 'verify' | 'continue';
  /** See ExecuteStepOptions.committedWork. */
  committedWork?: string[];
  settings: RunSettings;
  runId: string;
  hooks: RunHooks;
  onEvent: OnEvent;
  /** The tree as the loop read it just now (see ExecuteStepOptions.tree); HEAD is the step's base. */
  tree?: WorkTreeState;
}

const now = (ctx: Context) => new Date(ctx.clock.now()).toISOString();

/**
 * One step of the solo loop, journalled phase by phase (executing → checking → committing →
 * cleared, or failed) so a crash at any instant is recoverable (prepare-run.ts): the step's
 * attempts and checks (executeStep), then one commit with the tick and the trailers.
 */
export async function runOneStep(
  ctx: Context,
  s: RunOneStep,
): Promise<StepReport & { costKnown: boolean; usageKnown: boolean }> {
  const { step, settings: o, onEvent } = s;
  const n = step.number;
  const t0 = ctx.clock.now();
  const pj = planJournal(s.journal, s.src.planId);
  const save = () => writeJournal(s.repo, s.journal, ctx.faults);
  // A recovered step keeps the interrupted attempt's number and the earlier reasons.
  const prev = s.existing === 'continue' && pj.active?.step === n ? pj.active : undefined;
  const base = s.tree ? s.tree.head : await headCommit(s.repo, { env: ctx.env });
  pj.active = {
    step: n,
    phase: 'executing',
    attempt: prev?.attempt ?? 1,
    startedAt: prev?.startedAt ?? now(ctx),
    base: prev?.base ?? base,
    reasons: prev?.reasons ?? [],
  };
  await save();
  ctx.faults?.at('journal');
  let r: Awaited<ReturnType<typeof executeStep>>;
  try {
    r = await executeStep(ctx, {
      repoDir: s.repo,
      plan: s.src.plan,
      step,
      executor: s.executor,
      testCommand: s.testCommand,
      testTimeoutMs: o.testTimeoutMs,
      testDir: s.testDir,
      maxAttempts: o.maxAttempts,
      tdd: o.tdd,
      spec: s.spec,
      done: s.done,
      ignore: [relative(s.repo, s.src.todoPath)],
      maxCost: s.maxCost,
      existing: s.existing,
      resume: prev ? { attempt: prev.attempt, reasons: prev.reasons ?? [] } : undefined,
      onRejected: async (attempt, reason) => {
        const cur = pj.active as ActiveStep;
        pj.active = { ...cur, reasons: [...(cur.reasons ?? []).slice(0, attempt - 1), reason] };
        await save();
      },
      committedWork: s.committedWork,
      onPhase: async (phase, attempt) => {
        const cur = pj.active as ActiveStep;
        if (cur.phase === phase && cur.attempt === attempt) return;
        pj.active = { ...cur, phase, attempt };
        await save();
      },
      onEvent,
      signal: ctx.signal,
      hooks: s.hooks,
      run: { runId: s.runId, planId: s.src.planId, mode: 'solo' },
      // Only the journal was written since the loop's read: the tree is as it was read.
      tree: s.tree,
    });
  } catch (err) {
    if (err instanceof InterruptedError)
      onEvent({ type: 'note', text: `step ${n} interrupted; its work stays in the tree` });
    else if (isSpecloopError(err))
      onEvent({
        type: 'note',
        text: `step ${n}: the attempt is recorded in ${relative(s.repo, runsRoot(s.repo))}/${s.runId}/step-${n}/ (\`specloop show ${n}\`); it does not count against --max-attempts`,
      });
    throw err;
  }
  const report = {
    step: n,
    title: step.title,
    ok: r.ok,
    attempts: r.attempts,
    reason: r.reason,
    usage: r.usage,
    cost: r.cost,
    costKnown: r.costKnown,
    usageKnown: r.usageKnown !== false,
    durationMs: 0,
    sessionIds: r.sessionIds,
  };
  const entry = {
    step: n,
    attempts: r.attempts,
    ...r.usage,
    cost: r.cost,
    sessionIds: r.sessionIds,
    at: now(ctx),
  };
  if (!r.ok) {
    pj.active = { ...(pj.active as ActiveStep), phase: 'failed', attempt: r.attempts, reason: r.reason };
    pj.history.push({ ...entry, ok: false, reason: r.reason });
    await save();
    report.durationMs = ctx.clock.now() - t0;
    onEvent({ type: 'step-end', step: n, ok: false, attempts: r.attempts, reason: r.reason });
    return report;
  }
  pj.active = { ...(pj.active as ActiveStep), phase: 'committing', attempt: r.attempts };
  await save();
  // Nothing an attempt started may still be running when the step lands (a test run being
  // killed after its timeout, say): a late edit would be swept into this or a later commit.
  if (liveGroups.size) killLiveGroups();
  const sha = await commitStep(s.repo, {
    step: n,
    title: step.title,
    context: step.context,
    body: r.summary,
    // What this step's attempts used, for every clone's board (the journal stays here).
    usage: usageOf({ ...r, ...r.usage, usageKnown: r.usageKnown !== false }),
    todoPath: s.src.todoPath,
    planId: s.src.planId,
    // The plan file stays out: an edit made during the step lands as "specloop: update plan" (plan-edits.ts).
    exclude: [...machineState(ctx, s.repo), relative(s.repo, s.src.planPath).split('\\').join('/')],
    env: ctx.env,
    faults: ctx.faults,
    // Once at the end of the run (solo-run.ts), not a `git maintenance` process per step.
    autoMaintenance: false,
  }).catch((err: Error) => {
    throw new WorkError(`step ${n} passed its checks but could not be committed: ${err.message}`, {
      code: 'E_COMMIT',
      hint: 'fix the cause (a pre-commit hook? signing?) and run `specloop run` again: the work is checked and committed without redoing the step',
      cause: err,
    });
  });
  ctx.faults?.at('committed');
  pj.active = undefined;
  pj.history.push({ ...entry, ok: true, commit: sha });
  await save();
  ctx.faults?.at('step-done');
  await notifyAttempt(
    s.hooks,
    'stepLanded',
    {
      runId: s.runId,
      planId: s.src.planId,
      mode: 'solo',
      step: n,
      attempt: r.attempts,
      dir: s.repo,
      commit: sha,
      attempts: r.attempts,
    },
    (text) => onEvent({ type: 'note', text }),
  );
  onEvent({ type: 'step-end', step: n, ok: true, attempts: r.attempts, commit: sha });
  return { ...report, commit: sha, durationMs: ctx.clock.now() - t0 };
}
