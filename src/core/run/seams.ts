import type { Context } from '../context.js';
import type { WorkTreeState, WorkTreeView } from '../git/index.js';
import type { PlanStep } from '../plan/index.js';
import type { ExecutorResult } from './executors/index.js';
import type { RunMode } from './settings.js';
import type { TestResult } from './test-runner.js';

/**
 * The three extension seams of the run core. Every mode (solo, --parallel, --team) calls
 * them at the same moments; features plug in through {@link RunHooks} (see hooks.ts for the
 * default set) instead of editing the step loop.
 */

/** A step's change as a pre-land check sees it: files changed in `dir` since `base`. */
export interface StepChange {
  /** Repository or worktree root holding the change (uncommitted). */
  dir: string;
  planId: string;
  step: PlanStep;
  attempt: number;
  mode: RunMode;
  /** Repo-relative paths the attempt changed (added, modified, deleted). */
  changed: string[];
  /** Aborted when the step is abandoned (Ctrl-C; in a team, the claim was lost): a waiting check stops. */
  signal?: AbortSignal;
  /**
   * The work tree as it is now (HEAD and `git status`), read at most once per check: the read
   * the attempt loop made for `changed` when no other code ran since, else a fresh one.
   */
  tree?: () => Promise<WorkTreeState>;
}

export type PreLandVerdict =
  /** Fine as it is. */
  | { ok: true; notes?: string[] }
  /** Fine once `restore` (repo-relative) are put back as they were before the step (files it should not touch). */
  | { ok: true; restore: string[]; notes?: string[] }
  /** Not landable: `reason` is the next attempt's feedback (and the step's failure if none is left). */
  | { ok: false; reason: string; restore?: string[]; notes?: string[] };

/**
 * A check run on a step's change before it is committed or queued for integration.
 * `before-tests` checks (integrity: strip forbidden edits) run on the raw change, so the
 * tests see what will land; `after-tests` checks (review gate) see a green change.
 */
export interface PreLandCheck {
  name: string;
  when: 'before-tests' | 'after-tests';
  check(ctx: Context, change: StepChange): Promise<PreLandVerdict>;
}

/** What every attempt lifecycle event carries. */
export interface AttemptRef {
  runId: string;
  planId: string;
  mode: RunMode;
  step: number;
  /** 1-based; 0 for the check of work already in the tree. */
  attempt: number;
  /** Repository or worktree the attempt works in. */
  dir: string;
}

/**
 * Attempt lifecycle: run records (.specloop/runs/<run-id>/step-N/attempt-K/), the board and
 * the progress view listen here. Observers must not throw for the run to go on; a throw is
 * reported as a note and ignored (see hooks.ts).
 */
export interface AttemptObserver {
  /**
   * `tree`: the work tree as read just before, when nothing but specloop ran since (the
   * integrity snapshot uses its HEAD). Observers watch: none may change the tree.
   */
  attemptStarted?(e: AttemptRef & { prompt: string; tree?: WorkTreeState }): void | Promise<void>;
  executorFinished?(e: AttemptRef & { result: ExecutorResult }): void | Promise<void>;
  testsRan?(e: AttemptRef & { result: TestResult }): void | Promise<void>;
  /**
   * `stoppedRun`: the error code of a failure that ended the attempt AND the run (the
   * infrastructure, a test command that cannot run); such an attempt is not counted.
   */
  attemptRejected?(
    e: AttemptRef & { reason: string; test?: TestResult; stoppedRun?: string },
  ): void | Promise<void>;
  stepLanded?(e: AttemptRef & { commit: string; attempts: number }): void | Promise<void>;
}

export type BetweenStepsDecision =
  | { action: 'continue' }
  /** Stop starting steps (steps already running finish); `reason` is shown. */
  | { action: 'stop'; reason: string }
  /** Wait and ask again after `ms` (pause). */
  | { action: 'wait'; ms: number; reason?: string };

/**
 * Called before each new step is started, after the run re-read the plan and todo from
 * disk (an edit of a step not yet started is picked up; `planChanged` says so).
 */
export interface BetweenStepsHook {
  name: string;
  beforeNextStep(
    ctx: Context,
    e: {
      runId: string;
      planId: string;
      mode: RunMode;
      repo: string;
      done: number[];
      next?: number;
      planChanged: boolean;
      /**
       * Solo: the work tree read shared by this pause's hooks and the next step's start (one
       * `git status` for all). A hook that changes the tree or HEAD calls `forget()`; a wait
       * forgets it too (anyone may have worked meanwhile).
       */
      tree?: WorkTreeView;
    },
  ): Promise<BetweenStepsDecision>;
}

export interface RunHooks {
  preLand: PreLandCheck[];
  attempts: AttemptObserver[];
  betweenSteps: BetweenStepsHook[];
}
