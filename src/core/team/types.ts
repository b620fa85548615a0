/**
 * Options and results of the multiplayer runs. `src/cli/run.ts` builds a
 * {@link TeamRunOptions} from its flags and calls `runParallel(ctx, opts)` or
 * `runTeam(ctx, opts)` from `src/core/team/index.ts`.
 */
export interface TeamRunOptions {
  /** Absolute path of prompt_plan.md (or the `--from` file). Must be committed on the integration branch. */
  planFile: string;
  /** Absolute path of todo.md; undefined when the plan has none (`--from`): done-ness then comes from trailers only. */
  todoFile?: string;
  /** Absolute path of spec.md, given to the executor as context when present. */
  specFile?: string;
  /** Steps run at once on this machine, each in its own worktree (default 1 in team mode; `--parallel N`). */
  parallel?: number;
  /** `builtin | aider | claude | codex` (default: config `run.executor`). */
  executor?: string;
  /** Test command (default: config `test.command`; none → exit 2). */
  testCommand?: string;
  /** Agent + test attempts per step (default: config `run.maxAttempts`). */
  maxAttempts?: number;
  /** TDD steps must touch a test file (default: config `run.tdd`). */
  tdd?: boolean;
  /** Team mode: the git remote that coordinates (default: config `team.remote`, i.e. `origin`). */
  remote?: string;
  /**
   * Branch the steps land on. Default: config `team.integrationBranch`, else (`--parallel`)
   * the branch checked out in the repo, or (`--team`) the remote branch the checked-out
   * branch tracks. `specloop run --parallel` passes its run branch (`specloop/<plan>`).
   */
  integrationBranch?: string;
  /** Who claims steps (default: config `team.name`, else git `user.name`, else $USER). */
  name?: string;
  /** Claim lease in seconds, renewed while working (default: config `team.leaseSeconds`). */
  leaseSeconds?: number;
  /** Model for the builtin executor (default: config `models.code`). */
  model?: string;
  /** Stop starting new steps once this much (USD) was spent. */
  maxCost?: number;
  /** Proceed on a dirty main worktree (tracked changes are left alone). */
  yes?: boolean;
  /** The caller prints the result as JSON; progress stays on stderr either way. */
  json?: boolean;
  /** Only these steps (and nothing that depends on an unfinished one); default all. */
  steps?: number[];
  /** How many times a step is re-attempted on a new base after a conflict or a red rebase (default 3). */
  maxRebases?: number;
}

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
