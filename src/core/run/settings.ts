import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { EXECUTOR_NAMES } from './executors/index.js';
import { runErrors } from './run-errors.js';
import { type Selection, selectionFrom } from './select.js';

export type RunMode = 'solo' | 'parallel' | 'team';

/** `specloop run` flags as the CLI parsed them (undefined: not given). */
export interface RunFlags {
  step?: number;
  next?: boolean;
  all?: boolean;
  until?: number;
  executor?: string;
  model?: string;
  testCommand?: string;
  testTimeoutSec?: number;
  maxAttempts?: number;
  /** `--no-tdd` → false. */
  tdd?: boolean;
  /** `--branch NAME`, or false for `--no-branch`. */
  branch?: string | false;
  from?: string;
  maxCost?: number;
  dryRun?: boolean;
  yes?: boolean;
  parallel?: number;
  team?: boolean;
  remote?: string;
  /** Team mode: who claims (default config team.name, git user.name, $USER). */
  name?: string;
  leaseSeconds?: number;
  /** Retries of a step on a new base after a conflict or red rebase (parallel/team). */
  maxRebases?: number;
  /** Start although the suite is red before the first step (test-preflight.ts). */
  allowRed?: boolean;
}

/**
 * Everything one `specloop run` needs to know, resolved ONCE from flags + config and
 * validated; every mode (solo, --parallel N, --team) receives this same object, so a flag
 * cannot mean one thing solo and another in a team (docs/run.md has the table).
 */
export interface RunSettings {
  mode: RunMode;
  selection: Selection;
  /** builtin | aider | claude | codex. */
  executor: string;
  model?: string;
  testCommand: string;
  testTimeoutMs: number;
  maxAttempts: number;
  tdd: boolean;
  /** Solo/parallel: the run branch (false: the current one). Team: the integration branch. */
  branch?: string | false;
  from?: string;
  /** USD; no new attempt (or step) starts once this much was spent. */
  maxCost?: number;
  dryRun: boolean;
  yes: boolean;
  /** Steps at once on this machine (1 solo). */
  parallel: number;
  /** Team mode: the coordinating remote. */
  remote: string;
  name?: string;
  leaseSeconds: number;
  maxRebases: number;
  maxToolCalls: number;
  /** Start although the test suite is red before the first step. */
  allowRed: boolean;
}

/**
 * Flags that do not apply to a mode, and why (exit 2, E_FLAG_MODE). Everything else means
 * the same in every mode.
 */
function refuseForMode(f: RunFlags, mode: RunMode): void {
  if (mode === 'team' && f.yes)
    throw runErrors.flagNotInMode(
      '--yes',
      '--team',
      'team steps are cut from the remote branch, so local changes are never committed by the run; commit and push them, or drop --yes',
    );
  if (mode !== 'team' && f.remote !== undefined)
    throw runErrors.flagNotInMode('--remote', 'a run without --team', 'only team mode talks to a remote');
  if (mode !== 'team' && (f.name !== undefined || f.leaseSeconds !== undefined))
    throw runErrors.flagNotInMode('--name / --lease', 'a run without --team', 'only team mode claims steps');
}

/** Resolve and validate the settings of one run; bad input is a UsageError (exit 2) before anything runs. */
export function resolveRunSettings(ctx: Pick<Context, 'config'>, f: RunFlags): RunSettings {
  const mode: RunMode = f.team ? 'team' : f.parallel !== undefined ? 'parallel' : 'solo';
  refuseForMode(f, mode);
  const selection = selectionFrom(f);
  const c = ctx.config;
  const executor = f.executor ?? c.run.executor;
  if (!(EXECUTOR_NAMES as readonly string[]).includes(executor))
    throw new UsageError(`unknown executor "${executor}"`, {
      hint: `choose one of: ${EXECUTOR_NAMES.join(', ')}`,
    });
  const testCommand = (f.testCommand ?? c.test.command ?? '').trim();
  if (!testCommand) throw runErrors.noTestCommand();
  const parallel = f.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new UsageError(`--parallel needs a whole number ≥ 1, got ${parallel}`);
  if (f.branch === '') throw new UsageError('--branch needs a name');
  return {
    mode,
    selection,
    executor,
    model: f.model,
    testCommand,
    testTimeoutMs: (f.testTimeoutSec ?? c.test.timeoutSec) * 1000,
    maxAttempts: f.maxAttempts ?? c.run.maxAttempts,
    tdd: f.tdd ?? c.run.tdd,
    branch: f.branch ?? (mode === 'team' ? (c.team.integrationBranch ?? undefined) : undefined),
    from: f.from,
    maxCost: f.maxCost ?? c.run.maxCost,
    dryRun: Boolean(f.dryRun),
    yes: Boolean(f.yes),
    parallel,
    remote: f.remote ?? c.team.remote,
    name: f.name ?? c.team.name,
    leaseSeconds: f.leaseSeconds ?? c.team.leaseSeconds,
    maxRebases: f.maxRebases ?? 3,
    maxToolCalls: c.run.maxToolCalls,
    allowRed: Boolean(f.allowRed),
  };
}
