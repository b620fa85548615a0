import { tickedSteps } from '../run/done-state.js';
import type { Coordinator, View } from './coordinator.js';
import { doneSteps } from './done-steps.js';
import { currentBranch, resolveCommit, tryGit } from './git.js';

/** Steps ticked in todo.md at `rev` (a box ticked by hand counts as done too). */
export async function tickedStepsAt(repo: string, rev: string, todoPath?: string): Promise<Set<number>> {
  if (!todoPath) return new Set();
  const r = await tryGit(repo, ['show', `${rev}:${todoPath}`]);
  return r.ok ? tickedSteps(r.stdout) : new Set();
}

/** Done steps at `rev`: trailers of this plan, plus boxes ticked in todo.md. */
export async function viewAt(
  repo: string,
  rev: string,
  planId: string,
  todoPath?: string,
): Promise<Omit<View, 'heldByOthers'>> {
  const doneInfo = await doneSteps(repo, rev, planId);
  const done = new Set([...doneInfo.keys(), ...(await tickedStepsAt(repo, rev, todoPath))]);
  return { tip: rev, done, doneInfo };
}

/**
 * `--parallel` on one machine: the integration branch is a local branch; nothing to claim.
 * Publishing fast-forwards the branch — through `git merge --ff-only` when it is checked
 * out in the main worktree, so the files there follow.
 */
export function localCoordinator(o: {
  repoRoot: string;
  branch: string;
  planId: string;
  todoPath?: string;
}): Coordinator {
  const ref = `refs/heads/${o.branch}`;
  const tip = async () => {
    const t = await resolveCommit(o.repoRoot, ref);
    if (!t) throw new Error(`branch ${o.branch} disappeared`);
    return t;
  };
  return {
    mode: 'parallel',
    branch: o.branch,
    pollMs: 1000,
    async refresh() {
      const t = await tip();
      return { ...(await viewAt(o.repoRoot, t, o.planId, o.todoPath)), heldByOthers: new Set() };
    },
    acquire: async () => true,
    hold: () => () => {},
    currentTip: tip,
    async publish(commit, expected) {
      if ((await currentBranch(o.repoRoot)) === o.branch) {
        if ((await tip()) !== expected) return false;
        const r = await tryGit(o.repoRoot, ['merge', '--ff-only', '--quiet', commit]);
        if (!r.ok) throw new Error(`could not fast-forward ${o.branch} in ${o.repoRoot}: ${r.stderr.trim()}`);
        return true;
      }
      const r = await tryGit(o.repoRoot, ['update-ref', ref, commit, expected]);
      return r.ok;
    },
    release: async () => {},
  };
}
