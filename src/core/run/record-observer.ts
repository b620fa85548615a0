import type { Context } from '../context.js';
import { repoRoot } from '../git/index.js';
import type { ExecutorResult } from './executors/types.js';
import { machineState } from './machine-state.js';
import { recordAttempt } from './run-record.js';
import type { AttemptObserver, AttemptRef } from './seams.js';
import type { TestResult } from './test-runner.js';

interface Pending {
  prompt: string;
  startedAt: number;
  result?: ExecutorResult;
  test?: TestResult;
  /** The record holds this prompt, output and test output already (written when the tests ran). */
  written?: boolean;
}

/**
 * The run-record observer: every attempt's prompt, executor output, test output and diff go
 * to `.specloop/runs/<run-id>/step-N/attempt-K/` under `root` (the main checkout, also for
 * attempts made in a worktree). The diff is taken when the tests ran — the tree then holds
 * exactly the attempt's work; the outcome is settled when the attempt is rejected or lands.
 */
export function runRecordObserver(ctx: Context, o: { root?: string; executor: string }): AttemptObserver {
  const pending = new Map<string, Pending>();
  // The main checkout (worktree attempts are recorded there too), found once, from the
  // start (beside the run's own start-up, not on the first step's path).
  const root: Promise<string> = o.root
    ? Promise.resolve(o.root)
    : repoRoot(ctx.cwd, { env: ctx.env }).then(
        (r) => r ?? ctx.cwd,
        () => ctx.cwd,
      );
  const rootDir = () => root;
  const key = (e: AttemptRef) => `${e.runId}/${e.step}/${e.attempt}`;
  const write = async (
    e: AttemptRef,
    p: Pending,
    ok: boolean,
    reason?: string,
    keepDiff = false,
    stoppedRun?: string,
    keepFiles = false,
  ) =>
    recordAttempt(ctx, {
      root: await rootDir(),
      runId: e.runId,
      step: e.step,
      attempt: e.attempt,
      executor: o.executor,
      prompt: p.prompt,
      result: p.result,
      ok,
      reason,
      test: p.test,
      workDir: e.dir,
      exclude: machineState(ctx, e.dir),
      startedAt: p.startedAt,
      now: ctx.clock.now(),
      keepDiff,
      keepFiles,
      stoppedRun,
    });
  const get = (e: AttemptRef) => {
    let p = pending.get(key(e));
    if (!p)
      pending.set(
        key(e),
        (p = { prompt: '(work already in the tree, checked first)', startedAt: ctx.clock.now() }),
      );
    return p;
  };
  return {
    attemptStarted(e) {
      pending.set(key(e), { prompt: e.prompt, startedAt: ctx.clock.now() });
    },
    executorFinished(e) {
      get(e).result = e.result;
    },
    async testsRan(e) {
      const p = get(e);
      p.test = e.result;
      p.written = (await write(e, p, e.result.ok && p.result?.ok !== false)) !== undefined;
    },
    async attemptRejected(e) {
      const p = get(e);
      p.test ??= e.test;
      await write(e, p, false, e.reason, false, e.stoppedRun);
      pending.delete(key(e));
    },
    async stepLanded(e) {
      const p = pending.get(key(e));
      // Landing changes only the outcome: the files written when the tests ran stand.
      if (p) await write(e, p, true, undefined, true, undefined, p.written);
      pending.delete(key(e));
    },
  };
}
