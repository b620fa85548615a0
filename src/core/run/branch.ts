import { UsageError } from '../errors.js';
import {
  branchExists,
  currentBranch,
  type GitOptions,
  headCommit,
  isAncestor,
  validBranchName,
} from '../git/index.js';
import { runErrors } from './run-errors.js';

export interface BranchPlan {
  /** The branch the run will work on. */
  target: string;
  action: 'stay' | 'create' | 'switch';
  /** The branch checked out before the run (undefined when detached). */
  current?: string;
}

/**
 * A plan's own run branch: `<prefix><planId>`, except that a change plan
 * (`changes/<slug>.md`, id `changes-<slug>`) runs on `<prefix><slug>`, the branch
 * `specloop change --run` uses, so both ways of running it meet on one branch.
 */
export function defaultBranch(prefix: string, planId: string): string {
  return `${prefix}${planId.replace(/^changes-(?=.)/, '')}`;
}

/**
 * Decide the run branch (nothing is changed here):
 * - `--no-branch` (`requested === false`): the current branch (a detached HEAD is refused);
 * - `--branch NAME`: NAME, switched to if it exists, else created at HEAD;
 * - default: the branch this plan last ran on (journal), else {@link defaultBranch}. Such a
 *   branch already contained in HEAD is a finished, merged run (or one that never got a
 *   commit): a fresh `-2`, `-3` … branch is used instead of resurrecting it — unless HEAD is
 *   detached on that branch (mid-plan): then the run returns to it.
 */
export async function chooseBranch(
  repo: string,
  o: GitOptions & { requested?: string | false; journalBranch?: string; prefix: string; planId: string },
): Promise<BranchPlan> {
  const current = await currentBranch(repo, o);
  if (o.requested === false) {
    if (!current) throw runErrors.detachedHead('--no-branch needs a branch to commit on');
    return { target: current, action: 'stay', current };
  }
  const fromJournal =
    o.journalBranch && (await branchExists(repo, o.journalBranch, o)) ? o.journalBranch : undefined;
  const wanted = o.requested ?? fromJournal ?? defaultBranch(o.prefix, o.planId);
  if (!(await validBranchName(repo, wanted, o)))
    throw new UsageError(`"${wanted}" is not a valid branch name`, {
      hint: 'pick another with --branch NAME',
    });
  if (wanted === current) return { target: wanted, action: 'stay', current };
  if (!(await branchExists(repo, wanted, o))) return { target: wanted, action: 'create', current };
  if (o.requested) return { target: wanted, action: 'switch', current };
  const head = await headCommit(repo, o);
  if (!head || !(await isAncestor(repo, wanted, head, o)))
    return { target: wanted, action: 'switch', current };
  // A detached HEAD on (or behind) the run branch is a look at the plan's history mid-run,
  // not a merged run: go back to the unfinished branch instead of starting a `-2` one.
  if (!current) {
    if (await isAncestor(repo, head, wanted, o)) return { target: wanted, action: 'switch', current };
    throw runErrors.detachedHead(
      `it is at ${head.slice(0, 10)}, which has commits that are not on the run branch ${wanted}`,
    );
  }
  for (let i = 2; ; i++) {
    const name = `${wanted}-${i}`;
    if (name === current) return { target: name, action: 'stay', current };
    if (!(await branchExists(repo, name, o))) return { target: name, action: 'create', current };
  }
}
