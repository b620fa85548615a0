import { type Context, rootOf } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import { git, gitLine, isAncestor, requireRepo, tryGit } from '../git/index.js';
import { trackedBranch } from '../team/remote-state.js';
import { type UndoOptions, type UndoResult, undoStep } from './undo-step.js';

export interface TeamUndoOptions extends UndoOptions {
  remote: string;
  /** The integration branch on the remote; default the branch the checkout tracks there. */
  branch?: string;
}

/**
 * Team undo: the revert goes onto the integration branch as a fast-forward, like any landed
 * step. The checkout is brought up to the remote tip first; the push is never forced, so a
 * teammate's landing in between makes it fail cleanly (the local revert is dropped again).
 */
export async function undoOnRemote(
  ctx: Context,
  o: TeamUndoOptions,
): Promise<UndoResult & { pushed: string }> {
  const g = { env: ctx.env };
  const repo = await requireRepo(o.dir ?? rootOf(ctx), g);
  const branch = o.branch ?? (await trackedBranch(repo, o.remote, g));
  if (!branch)
    throw new UsageError('HEAD is detached: no integration branch to undo on', {
      hint: 'pass --branch NAME',
    });
  const tracking = `refs/remotes/${o.remote}/${branch}`;
  const fetched = await tryGit(repo, ['fetch', '--quiet', o.remote, `+refs/heads/${branch}:${tracking}`], g);
  if (!fetched.ok)
    throw new WorkError(`cannot fetch ${branch} from ${o.remote}: ${fetched.stderr.trim()}`, {
      code: 'E_GIT',
      hint: `check the remote (git remote -v) and that ${branch} exists there`,
    });
  const tip = await gitLine(repo, ['rev-parse', tracking], g);
  if (!(await isAncestor(repo, 'HEAD', tip, g)))
    throw new UsageError(`your ${branch} has commits that are not on ${o.remote}`, {
      code: 'E_UNDO_DIVERGED',
      hint: `push or drop them first (git log ${o.remote}/${branch}..HEAD), then undo again`,
    });
  await git(repo, ['merge', '--quiet', '--ff-only', tip], g);
  const r = await undoStep(ctx, { ...o, dir: repo, hard: false });
  const pushed = await tryGit(repo, ['push', '--quiet', o.remote, `HEAD:refs/heads/${branch}`], g);
  if (!pushed.ok) {
    await git(repo, ['reset', '--quiet', '--hard', tip], g);
    throw new WorkError(`${o.remote}/${branch} moved while undoing step ${r.step}; nothing was pushed`, {
      code: 'E_UNDO_RACE',
      hint: 'someone landed a step meanwhile: run the undo again',
    });
  }
  return { ...r, branch, pushed: `${o.remote}/${branch}` };
}
