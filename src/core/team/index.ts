/**
 * Multiplayer strategies over the run core (`core/run`): parallel steps in worktrees with
 * an integration queue (`runParallel`), team mode across machines coordinated through
 * claim refs on the git remote (`runTeam`), and the commands people use around it (`team
 * status`, `team release`, `claim`, `done`). Both runs take the same `RunSettings` as a solo
 * run. See docs/team.md.
 */
import type { Context } from '../context.js';
import type { PlanSource, RunSettings } from '../run/index.js';
import type { TeamDeps } from './team-setup.js';
import type { TeamRunResult } from './types.js';

export type { ClaimResult, ReleaseResult } from './manual-claim.js';
export type { DoneResult } from './manual-done.js';
export type { StepStatus, TeamStatus, TeamTarget } from './status.js';
export type { TeamDeps } from './team-setup.js';
export type { ExecuteFn, StepOutcome, TeamRunResult, TestFn } from './types.js';

/** `specloop run --parallel N`: run up to N ready steps at once, landing each through the integration queue. */
export async function runParallel(
  ctx: Context,
  settings: RunSettings,
  src: PlanSource,
  deps?: TeamDeps,
): Promise<TeamRunResult> {
  const { runParallelImpl } = await import('./parallel-run.js');
  return runParallelImpl(ctx, settings, src, deps);
}

/** `specloop run --team [--remote R]`: claim ready steps on the remote, run them, land them fast-forward only. */
export async function runTeam(
  ctx: Context,
  settings: RunSettings,
  src: PlanSource,
  deps?: TeamDeps,
): Promise<TeamRunResult> {
  const { runTeamImpl } = await import('./team-run.js');
  return runTeamImpl(ctx, settings, src, deps);
}

export { renderTeamDryRun } from './dry-run.js';
export { claimStep, HUMAN_LEASE_SECONDS, releaseStep } from './manual-claim.js';
export { doneStep } from './manual-done.js';
export { humanSeconds, renderStatus, teamStatus } from './status.js';
export { findTarget } from './target.js';
