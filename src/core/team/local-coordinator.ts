import { currentBranch, type GitOptions, resolveCommit, tryGit } from '../git/index.js';
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
      if ((await currentBranch(o.repoRoot, g)) === o.branch) {
        if ((await tip()) !== expected) return false;
        const r = await tryGit(o.repoRoot, ['merge', '--ff-only', '--quiet', commit], g);
        if (!r.ok) throw new Error(`could not fast-forward ${o.branch} in ${o.repoRoot}: ${r.stderr.trim()}`);
        return true;
      }
      const r = await tryGit(o.repoRoot, ['update-ref', ref, commit, expected], g);
      return r.ok;
    },
    release: async () => {},
  };
}
