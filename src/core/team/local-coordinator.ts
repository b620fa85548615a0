import { type GitOptions, git, resolveCommit, tryGit } from '../git/index.js';
import type { Coordinator } from './coordinator.js';
import { viewAt } from './view.js';

/**
 * `--parallel` on one machine: the integration branch is a local branch; nothing to claim.
 * Publishing fast-forwards the branch — through `git merge --ff-only` when it is checked
 * out in the main worktree, so the files there follow.
 */
export function localCoordinator(
  o: GitOptions & {
    repoRoot: string;
    branch: string;
    planId: string;
    todoPath?: string;
    /** The branch's commit as the run just read it (under the run lock). */
    tip?: string;
  },
): Coordinator {
  const g: GitOptions = { env: o.env };
  const ref = `refs/heads/${o.branch}`;
  // The tip as last read or published. The integration queue may start a landing from it
  // unread, because publishing is a compare-and-swap: if someone moved the branch meanwhile
  // the publish fails, the landing counts as a lost race and goes again from a fresh read.
  let known: string | undefined = o.tip;
  const tip = async () => {
    const t = await resolveCommit(o.repoRoot, ref, g);
    if (!t) throw new Error(`branch ${o.branch} disappeared`);
    known = t;
    return t;
  };
  const lost = () => {
    known = undefined;
    return false;
  };
  return {
    mode: 'parallel',
    branch: o.branch,
    pollMs: 1000,
    async refresh() {
      // The tip this run last published is the tip: under the run lock only this run moves
      // the branch, and should anyone else (a hand commit) move it meanwhile, the next
      // publish, a compare-and-swap, finds out and the landing goes again from a fresh read.
      const t = known ?? (await tip());
      return {
        ...(await viewAt(o.repoRoot, { ...g, rev: t, planId: o.planId, todoPath: o.todoPath })),
        heldByOthers: new Set(),
      };
    },
    acquire: async () => true,
    hold: () => () => {},
    currentTip: async () => known ?? tip(),
    async publish(commit, expected) {
      // One look at the branch: where it points, and whether the main worktree has it checked out.
      const line = (
        await git(o.repoRoot, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(HEAD)', ref], g)
      )
        .split('\n')
        .map((l) => l.split('\0'))
        .find(([name]) => name === ref);
      if (!line) throw new Error(`branch ${o.branch} disappeared`);
      if (line[2] === '*') {
        // Checked out: only a fast-forward from the tip the step was tested on, so the files
        // there follow and nothing the user committed meanwhile is passed over.
        if (line[1] !== expected) return lost();
        const r = await tryGit(o.repoRoot, ['merge', '--ff-only', '--quiet', commit], g);
        if (!r.ok) throw new Error(`could not fast-forward ${o.branch} in ${o.repoRoot}: ${r.stderr.trim()}`);
        known = commit;
        return true;
      }
      // Not checked out: a compare-and-swap of the ref itself.
      if (!(await tryGit(o.repoRoot, ['update-ref', ref, commit, expected], g)).ok) return lost();
      known = commit;
      return true;
    },
    release: async () => {},
  };
}
