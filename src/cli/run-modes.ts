import type { Context } from '../core/context.js';
import type { RunSettings } from '../core/run/index.js';
import type { TeamDeps, TeamRunResult } from '../core/team/index.js';
import { printJson } from './json-output.js';

/**
 * `--parallel N` / `--team` for every command that runs a plan (`run`, `change --run`): the
 * plan loaded the one way, handed to the team core with the same RunSettings, and the result
 * printed the same way (`--json`, or the dry-run text on stdout).
 */
export async function runInWorktrees(
  ctx: Context,
  settings: RunSettings,
  o: { hooks?: TeamDeps['hooks']; json?: boolean },
): Promise<TeamRunResult> {
  const { requireRepo } = await import('../core/git/index.js');
  const run = await import('../core/run/index.js');
  const team = await import('../core/team/index.js');
  const repoRoot = await requireRepo(ctx.cwd, { env: ctx.env });
  const src = await run.loadPlanSource(ctx, { repoRoot, from: settings.from });
  const r = await (settings.mode === 'team' ? team.runTeam : team.runParallel)(ctx, settings, src, {
    hooks: o.hooks,
  });
  if (o.json) printJson(ctx.stdout, r);
  else if (r.dryRun) ctx.stdout.write(team.renderTeamDryRun(r));
  return r;
}
