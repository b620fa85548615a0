import type { Context } from '../context.js';
import { requireRepo } from '../run/git.js';
import { loadPlanSource } from '../run/plan-source.js';
import type { TeamTarget } from './status.js';

/**
 * The plan a team command is about, found the way `specloop run` finds it: prompt_plan.md
 * + todo.md (cwd, project root, repo root), or `--from FILE` with `FILE.todo.md` beside it.
 */
export async function findTarget(
  ctx: Context,
  o: { from?: string; remote?: string; branch?: string },
): Promise<TeamTarget & { specFile?: string }> {
  const repoRoot = await requireRepo(ctx.cwd, { env: ctx.env });
  const src = await loadPlanSource(ctx, { repoRoot, from: o.from });
  return {
    planFile: src.planPath,
    todoFile: src.todoOnDisk ? src.todoPath : undefined,
    specFile: src.specPath,
    remote: o.remote,
    integrationBranch: o.branch,
  };
}
