import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { runEngine } from './engine.js';
import { defaultExecute } from './exec-step.js';
import { currentBranch, resolveCommit, statusLines } from './git.js';
import { localCoordinator, viewAt } from './local-coordinator.js';
import { summarize } from './result.js';
import { requireCommitted, resolveSetup, type TeamDeps } from './setup.js';
import type { TeamRunOptions, TeamRunResult } from './types.js';
import { excludeWorktrees, existingWorktreeSteps, removeWorktree } from './worktrees.js';

/** `run --parallel N` on one machine: see {@link runEngine}. */
export async function runParallelImpl(
  ctx: Context,
  opts: TeamRunOptions,
  deps: TeamDeps = {},
): Promise<TeamRunResult> {
  const started = Date.now();
  const s = await resolveSetup(ctx, opts);
  const checkedOut = await currentBranch(s.repoRoot);
  const branch = opts.integrationBranch ?? ctx.config.team.integrationBranch ?? checkedOut;
  if (!branch)
    throw new UsageError('HEAD is detached: there is no branch to integrate the steps on', {
      hint: 'switch to a branch, or name one with --branch',
    });
  const tip = await resolveCommit(s.repoRoot, `refs/heads/${branch}`);
  if (!tip)
    throw new UsageError(`no branch ${branch} in ${s.repoRoot}`, {
      hint: 'create it, or name another with --branch',
    });
  if (branch === checkedOut && !opts.yes) {
    const dirty = (await statusLines(s.repoRoot, { untracked: false })).filter(
      (l) => !l.slice(3).startsWith('.specloop/'),
    );
    if (dirty.length > 0)
      throw new UsageError(
        `the working tree has uncommitted changes:\n  ${dirty.slice(0, 10).join('\n  ')}`,
        {
          code: 'E_DIRTY',
          hint: 'steps land on this branch by fast-forward: commit or stash first (or pass --yes to keep them in place)',
        },
      );
  }
  await requireCommitted(s.repoRoot, tip, branch, [s.planPath, s.todoPath]);
  await excludeWorktrees(s.repoRoot);
  const say = (t: string) => ctx.stderr.write(`${t}\n`);
  const execute = deps.execute ?? (await defaultExecute(ctx, opts, s));
  await recoverWorktrees(s.repoRoot, s.planId, tip, s.todoPath, say);
  const result = await runEngine(ctx, {
    plan: s.plan,
    repoRoot: s.repoRoot,
    planId: s.planId,
    todoPath: s.todoPath,
    coordinator: localCoordinator({ repoRoot: s.repoRoot, branch, planId: s.planId, todoPath: s.todoPath }),
    execute,
    test: s.test,
    parallel: s.parallel,
    maxRebases: s.maxRebases,
    targets: s.targets,
    maxCost: opts.maxCost ?? ctx.config.run.maxCost,
    landedBy: '',
    say,
  });
  return summarize('parallel', branch, s, result, started, say);
}

/** Worktrees of steps that are already done (a crash after landing) are removed; the rest resume when scheduled. */
export async function recoverWorktrees(
  repoRoot: string,
  planId: string,
  tip: string,
  todoPath: string | undefined,
  say: (t: string) => void,
): Promise<void> {
  const steps = await existingWorktreeSteps(repoRoot);
  if (steps.length === 0) return;
  const { done, doneInfo } = await viewAt(repoRoot, tip, planId, todoPath);
  for (const n of steps) {
    if (!done.has(n)) continue;
    const landedAs = doneInfo.get(n)?.commit;
    const kept = await removeWorktree(repoRoot, {
      planId,
      step: n,
      landedOn: tip,
      landedAs,
      ignore: todoPath ? [todoPath] : [],
    });
    say(`step ${n}: already integrated; removed its leftover worktree${kept ? ` (${kept})` : ''}`);
  }
}
