import { relative } from 'node:path';
import type { Context } from '../context.js';
import { branchExists, commit, createBranch, git, switchBranch } from '../git/index.js';

/**
 * `change --run --team`: a team works from the plan on the remote branch, so the new plan
 * must be committed before the run. It goes on the change's own branch `branch` (created
 * from HEAD, or the existing one), in a commit holding only the plan and its todo; the
 * team run then publishes that branch as the integration branch. Nothing else in the tree
 * is staged or committed.
 */
export async function commitPlanOnBranch(
  ctx: Context,
  o: { repo: string; branch: string; planPath: string; todoPath: string },
): Promise<void> {
  const g = { env: ctx.env };
  const paths = [o.planPath, o.todoPath].map((p) => relative(o.repo, p).split('\\').join('/'));
  if (await branchExists(o.repo, o.branch, g)) await switchBranch(o.repo, o.branch, g);
  else await createBranch(o.repo, o.branch, g);
  await git(o.repo, ['add', '--', ...paths], g);
  await commit(o.repo, `specloop: add plan ${paths[0]}\n`, { ...g, paths });
}
