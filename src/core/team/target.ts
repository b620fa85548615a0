import type { Context } from '../context.js';
import { requireRepo } from '../git/index.js';
import { loadPlanSource } from '../run/index.js';
import type { TeamTarget } from './status.js';

/**
 * The plan a team command is about, found and loaded the way `specloop run` does it:
 * prompt_plan.md + todo.md (project root, else repo root), or `--from FILE` with
 * `FILE.todo.md` beside it.
 */
export async function findTarget(
  ctx: Context,
  o: { from?: string; remote?: string; branch?: string },
): Promise<TeamTarget> {
  const repoRoot = await requireRepo(ctx.cwd, { env: ctx.env });
  const src = await loadPlanSource(ctx, { repoRoot, from: o.from });
  return { src, remote: o.remote, integrationBranch: o.branch };
}
