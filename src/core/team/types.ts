import type { GitEnv } from '../git/index.js';
import type { Plan, PlanStep } from '../plan/index.js';
import type { RunHooks, RunMode, Usage } from '../run/index.js';
import type { Coordinator, View } from './coordinator.js';

/**
 * Results of the multiplayer runs, and the two functions a worktree step needs. The
 * settings are the run core's `RunSettings` (src/core/run/settings.ts), the same as solo.
 */

/** Runs the agent + test loop for a step in `dir` without committing (the run core's executeStep). */
export type ExecuteFn = (o: {
  dir: string;
  step: PlanStep;
  /** Steps done on the base the worktree was cut from. */
  done: number[];
  /** Why the step is redone (a conflict or red tests on a new base), appended to its prompt. */
  note?: string;
  /** USD left of `--max-cost` when the step starts (no attempt starts once its own cost reaches it). */
  maxCost?: number;
  signal: AbortSignal;
}) => Promise<{
  ok: boolean;
  attempts: number;
  reason?: string;
  cost: number;
  /** False when tokens came without a price (the cost is unknown, not 0). */
  costKnown: boolean;
  /** Tokens in and out (the run's totals, the landing commit's `Specloop-Tokens` trailer). */
  usage: Usage;
  /** False when the executor reported no usage (then `usage` is zeros, not "0 tokens"). */
  usageKnown: boolean;
}>;

/** Runs the test command in `dir`. */
export type TestFn = (dir: string, signal: AbortSignal) => Promise<{ ok: boolean; output: string }>;

/** What happened to one step in a multiplayer run. */
export interface StepOutcome {
  step: number;
  status: 'landed' | 'failed' | 'skipped';
  /** The landed commit (carries `Specloop-Step: N`). */
  commit?: string;
  /** Agent attempts used, over all bases. */
  attempts: number;
  /** Retries on a new base after a conflict or a red rebase. */
  rebases: number;
  reason?: string;
  durationMs: number;
}

/** Result of `runParallel` / `runTeam`; the CLI prints it (`--json`) and exits with `exitCode`. */
export interface TeamRunResult {
  mode: 'parallel' | 'team';
  /** True for `--dry-run`: nothing ran, `planned` says what would. */
  dryRun: boolean;
  /** Dry run: the steps that would run, in the order they would start (`wave`: started together). */
  planned: { step: number; title: string; wave: number }[];
  integrationBranch: string;
  /** Steps this run landed, failed or gave up, in the order they finished. */
  outcomes: StepOutcome[];
  /** Every step done on the integration branch at the end. */
  done: number[];
  /** Steps not done at the end (failed, blocked, or held by teammates). */
  remaining: number[];
  cost: number;
  durationMs: number;
  /** 0 all steps done (or all of `steps`), 1 a step failed or the run stopped early. */
  exitCode: 0 | 1;
}

/** What the scheduler (scheduler.ts) and each worktree step (worktree-step.ts) share. */
export interface EngineOptions {
  env: GitEnv;
  runId: string;
  mode: RunMode;
  hooks: RunHooks;
  plan: Plan;
  repoRoot: string;
  planId: string;
  /** todo.md relative to the repository root. */
  todoPath?: string;
  coordinator: Coordinator;
  execute: ExecuteFn;
  test: TestFn;
  parallel: number;
  maxRebases: number;
  /** Steps this run should finish (default: all). */
  targets: Set<number>;
  maxCost?: number;
  /**
   * The test preflight (run/test-preflight.ts) on the tip the first steps are cut from, once,
   * before any step starts; throws when the suite cannot run, or is red without --allow-red.
   */
  preflight?: (tip: string) => Promise<void>;
  /** Commit-message body of landed steps (who landed them). */
  landedBy: string;
  /** The first view when the strategy has just read it at the tip (nothing can have moved since); else the scheduler refreshes. */
  start?: View;
  say: (text: string) => void;
}
