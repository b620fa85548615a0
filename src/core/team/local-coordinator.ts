import { type GitOptions, git, resolveCommit, tryGit } from '../git/index.js';
import type { Coordinator } from './coordinator.js';
import { viewAt } from './view.js';

/**
 * `--parallel` on one machine: the integration branch is a local branch; nothing to claim.
 * Publishing fast-forwards the branch — through `git merge --ff-only` when it is checked
 * out in the main worktree, so the files there follow.
 */
export function localCoordinator(
  o: GitOptions & { repoRoot: string; branch: string; planId: string; todoPath?: string },
): Coordinator {
  const g: GitOptions = { env: o.env };
  const ref = `refs/heads/${o.branch}`;
  const tip = async () => {
    const t = await resolveCommit(o.repoRoot, ref, g);
    if (!t) throw new Error(`branch ${o.branch} disappeared`);
    return t;
  };
  return {
    mode: 'parallel',
    branch: o.branch,
    pollMs: 1000,
    async refresh() {
      const t = await tip();
      return {
        ...(await viewAt(o.repoRoot, { ...g, rev: t, planId: o.planId, todoPath: o.todoPath })),
        heldByOthers: new Set(),
      };
    },
    acquire: async () => true,
    hold: () => () => {},
    currentTip: tip,
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
        if (line[1] !== expected) return false;
        const r = await tryGit(o.repoRoot, ['merge', '--ff-only', '--quiet', commit], g);
        if (!r.ok) throw new Error(`could not fast-forward ${o.branch} in ${o.repoRoot}: ${r.stderr.trim()}`);
        return true;
      }
      // Not checked out: a compare-and-swap of the ref itself.
      const r = await tryGit(o.repoRoot, ['update-ref', ref, commit, expected], g);
      return r.ok;
    },
    release: async () => {},
  };
}
