/**
 * Multiplayer execution of a plan: parallel steps in worktrees with an integration
 * queue (`runParallel`), team mode across machines coordinated through claim refs on
 * the git remote (`runTeam`), and the commands people use around it (`team status`,
 * `team release`, `claim`, `done`). See docs/team.md.
 */
import type { Context } from '../context.js';
import type { TeamRunOptions, TeamRunResult } from './types.js';

export type { DoneResult } from './done-step.js';
export type { ClaimResult, ReleaseResult } from './manual.js';
export type { StepStatus, TeamStatus, TeamTarget } from './status.js';
export type { StepOutcome, TeamRunOptions, TeamRunResult } from './types.js';

/** `specloop run --parallel N`: run up to N ready steps at once, landing each through the integration queue. */
export async function runParallel(ctx: Context, opts: TeamRunOptions): Promise<TeamRunResult> {
  const { runParallelImpl } = await import('./parallel.js');
  return runParallelImpl(ctx, opts);
}

/** `specloop run --team [--remote R]`: claim ready steps on the remote, run them, land them fast-forward only. */
export async function runTeam(ctx: Context, opts: TeamRunOptions): Promise<TeamRunResult> {
  const { runTeamImpl } = await import('./team-run.js');
  return runTeamImpl(ctx, opts);
}

export { doneStep } from './done-step.js';
export { claimStep, HUMAN_LEASE_SECONDS, releaseStep } from './manual.js';
export { humanSeconds, renderStatus, teamStatus } from './status.js';
export { findTarget } from './target.js';
