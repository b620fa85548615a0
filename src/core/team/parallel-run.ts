import { type GitOptions, resolveCommit } from '../git/index.js';
import { acquireRunLock, newRunId, prepareRunBranch } from '../run/index.js';
import { dryRunResult } from './dry-run.js';
import { localCoordinator } from './local-coordinator.js';
import { summarize } from './result.js';
import { runScheduler } from './scheduler.js';
import { type RunStrategy, requireCommitted, resolveSetup, strategyStart, targetsFor } from './team-setup.js';
import { viewAt } from './view.js';
import { worktreeExecutor } from './worktree-step.js';
import { excludeWorktrees, existingWorktreeSteps, removeWorktree } from './worktrees.js';

/**
 * `run --parallel N` on one machine. The run branch is prepared exactly as for a solo run
 * (the same `--branch` / `--no-branch` / `--yes` meaning: fresh `specloop/<plan>` branch,
 * plan files committed, crash leftovers recovered) and becomes the integration branch; then
 * the scheduler runs ready steps in worktrees. `--dry-run` writes nothing at all.
 */
export const runParallelImpl: RunStrategy = async (ctx, s, src, deps = {}) => {
  const { started, g, say } = strategyStart(ctx);
  const setup = resolveSetup(ctx, s, src, deps);
  if (s.dryRun) {
    const prepared = await prepareRunBranch(ctx, src, { branch: s.branch, yes: s.yes, dryRun: true });
    return dryRunResult({
      mode: 'parallel',
      settings: s,
      plan: setup.plan,
      branch: prepared.branch.target,
      done: new Set(prepared.done.keys()),
      durationMs: ctx.clock.now() - started,
    });
  }
  const lock = await acquireRunLock(setup.repoRoot, { command: 'specloop run --parallel', now: started });
  try {
    const execute = deps.execute ?? (await worktreeExecutor(ctx, s, setup, newRunId(ctx)));
    const prepared = await prepareRunBranch(ctx, src, { branch: s.branch, yes: s.yes });
    for (const n of prepared.notes) say(n);
    const branch = prepared.branch.target;
    const tip = (await resolveCommit(setup.repoRoot, `refs/heads/${branch}`, g)) as string;
    await requireCommitted(setup.repoRoot, tip, branch, [setup.planPath, setup.todoPath], g);
    await excludeWorktrees(setup.repoRoot, g);
    await recoverWorktrees(
      setup.repoRoot,
      { ...g, planId: setup.planId, tip, todoPath: setup.todoPath },
      say,
    );
    const start = await viewAt(setup.repoRoot, {
      ...g,
      rev: tip,
      planId: setup.planId,
      todoPath: setup.todoPath,
    });
    const targets = targetsFor(setup.plan, s, start.done);
    const result = await runScheduler(ctx, {
      env: ctx.env,
      runId: newRunId(ctx),
      mode: 'parallel',
      hooks: setup.hooks,
      plan: setup.plan,
      repoRoot: setup.repoRoot,
      planId: setup.planId,
      todoPath: setup.todoPath,
      coordinator: localCoordinator({
        ...g,
        repoRoot: setup.repoRoot,
        branch,
        planId: setup.planId,
        todoPath: setup.todoPath,
        tip,
      }),
      execute,
      test: setup.test,
      parallel: s.parallel,
      maxRebases: s.maxRebases,
      targets,
      maxCost: s.maxCost,
      preflight: setup.preflight,
      landedBy: '',
      // Read above at the tip, under the run lock: in parallel mode only this run moves the branch.
      start: { ...start, heldByOthers: new Set() },
      say,
    });
    return summarize('parallel', branch, setup, targets, result, { started, now: ctx.clock.now() }, say);
  } finally {
    await lock.release();
  }
};

/**
 * Worktrees of this plan's steps that are already done (a crash after landing) are removed;
 * the rest resume when scheduled. Other plans' worktrees are never touched.
 */
export async function recoverWorktrees(
  repoRoot: string,
  o: GitOptions & { planId: string; tip: string; todoPath?: string },
  say: (t: string) => void,
): Promise<void> {
  const steps = await existingWorktreeSteps(repoRoot, o.planId);
  if (steps.length === 0) return;
  const { done, doneInfo } = await viewAt(repoRoot, {
    env: o.env,
    rev: o.tip,
    planId: o.planId,
    todoPath: o.todoPath,
  });
  for (const n of steps) {
    if (!done.has(n)) continue;
    const kept = await removeWorktree(repoRoot, {
      env: o.env,
      planId: o.planId,
      step: n,
      landedOn: o.tip,
      landedAs: doneInfo.get(n)?.commit,
      ignore: o.todoPath ? [o.todoPath] : [],
    });
    say(`step ${n}: already integrated; removed its leftover worktree${kept ? ` (${kept})` : ''}`);
  }
}
