import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { currentBranch, type GitOptions, isAncestor, resolveCommit, status, tryGit } from '../git/index.js';
import { type Plan, parsePlan } from '../plan/index.js';
import { acquireRunLock, newRunId, type PlanSource, type RunSettings } from '../run/index.js';
import { swapRemoteRef } from './claims.js';
import { dryRunResult } from './dry-run.js';
import { type Identity, resolveIdentity } from './identity.js';
import { recoverWorktrees } from './parallel-run.js';
import { remoteCoordinator } from './remote-coordinator.js';
import { fetchRemoteState, peekRemoteState, resolveRemote } from './remote-state.js';
import { summarize } from './result.js';
import { runScheduler } from './scheduler.js';
import {
  type RunSetup,
  type RunStrategy,
  requireCommitted,
  resolveSetup,
  strategyStart,
  type TeamDeps,
  targetsFor,
} from './team-setup.js';
import { viewAt } from './view.js';
import { worktreeExecutor } from './worktree-step.js';
import { excludeWorktrees } from './worktrees.js';

/** Everything team commands share: the run setup plus remote, branch and who we are. */
export interface TeamSetup extends RunSetup {
  remote: string;
  branch: string;
  me: Identity;
  leaseSeconds: number;
  /** Remote integration tip (after creating the branch there when it was missing). */
  tip: string;
}

/**
 * Resolve the remote (exit 2 with git's message when it is missing or unreachable), the
 * integration branch (publishing the local one when the remote has none yet, unless
 * `dryRun`) and who we are. The plan that counts is the one on the remote branch.
 */
export async function resolveTeam(
  ctx: Context,
  s: RunSettings,
  src: PlanSource,
  deps: TeamDeps = {},
): Promise<TeamSetup> {
  const g: GitOptions = { env: ctx.env, signal: ctx.signal };
  const setup = resolveSetup(ctx, s, src, deps);
  const { remote, branch } = await resolveRemote(ctx, setup.repoRoot, {
    remote: s.remote,
    integrationBranch: typeof s.branch === 'string' ? s.branch : undefined,
  });
  const read = s.dryRun ? peekRemoteState : fetchRemoteState;
  const o = { ...g, remote, branch, planId: setup.planId };
  let rs = await read(setup.repoRoot, o);
  let tip = rs.tip;
  if (!tip) {
    const local = await resolveCommit(setup.repoRoot, `refs/heads/${branch}`, g);
    if (!local)
      throw new UsageError(`neither ${remote} nor this clone has a branch ${branch}`, {
        hint: 'push the branch with the plan first, or name another with --branch / team.integrationBranch',
      });
    await requireCommitted(setup.repoRoot, local, branch, [setup.planPath, setup.todoPath], g);
    tip = local;
    if (!s.dryRun) {
      await swapRemoteRef(setup.repoRoot, remote, `refs/heads/${branch}`, undefined, local, g);
      ctx.stderr.write(`published ${branch} to ${remote} as the integration branch\n`);
      rs = await fetchRemoteState(setup.repoRoot, o);
      tip = rs.tip as string;
    }
  }
  return {
    ...setup,
    plan: await planOnTip(setup, tip, `${remote}/${branch}`, g),
    remote,
    branch,
    tip,
    me: await resolveIdentity(ctx, setup.repoRoot, s.name),
    leaseSeconds: s.leaseSeconds,
  };
}

/**
 * In team mode the plan that counts is the one on the remote branch (the worktrees are cut
 * from it; a clone that is behind still has an older todo.md, which is fine).
 */
async function planOnTip(s: RunSetup, tip: string, label: string, g: GitOptions): Promise<Plan> {
  const r = await tryGit(s.repoRoot, ['show', `${tip}:${s.planPath}`], g);
  const missing = !r.ok
    ? s.planPath
    : s.todoPath && !(await tryGit(s.repoRoot, ['cat-file', '-e', `${tip}:${s.todoPath}`], g)).ok
      ? s.todoPath
      : undefined;
  if (missing)
    throw new UsageError(`${missing} is not on ${label}`, {
      code: 'E_PLAN_NOT_COMMITTED',
      hint: `the team works from ${label}: commit and push ${missing} first`,
    });
  return parsePlan(r.stdout, { file: `${label}:${s.planPath}` });
}

/** `run --team`: claim ready steps on the remote, run them in worktrees, land them fast-forward only. */
export const runTeamImpl: RunStrategy = async (ctx, s, src, deps = {}) => {
  const { started, g, say } = strategyStart(ctx);
  if (s.dryRun) {
    const t = await resolveTeam(ctx, s, src, deps);
    const rs = await peekRemoteState(t.repoRoot, {
      ...g,
      remote: t.remote,
      branch: t.branch,
      planId: t.planId,
    });
    const v = await viewAt(t.repoRoot, { ...g, rev: t.tip, planId: t.planId, todoPath: t.todoPath });
    return dryRunResult({
      mode: 'team',
      settings: s,
      plan: t.plan,
      branch: `${t.remote}/${t.branch}`,
      done: v.done,
      held: new Set(rs.claims.keys()),
      durationMs: ctx.clock.now() - started,
    });
  }
  const lock = await acquireRunLock(src.repoRoot, { command: 'specloop run --team', now: started });
  try {
    const t = await resolveTeam(ctx, s, src, deps);
    const runId = newRunId(ctx);
    const execute = deps.execute ?? (await worktreeExecutor(ctx, s, t, runId));
    say(`team run as ${t.me.name}@${t.me.host} on ${t.remote}/${t.branch} (lease ${t.leaseSeconds} s)`);
    await excludeWorktrees(t.repoRoot, g);
    await recoverWorktrees(t.repoRoot, { ...g, planId: t.planId, tip: t.tip, todoPath: t.todoPath }, say);
    const start = await viewAt(t.repoRoot, { ...g, rev: t.tip, planId: t.planId, todoPath: t.todoPath });
    const targets = targetsFor(t.plan, s, start.done);
    const coordinator = remoteCoordinator({ ...t, env: ctx.env, say, now: () => ctx.clock.now() });
    const result = await runScheduler(ctx, {
      env: ctx.env,
      runId,
      mode: 'team',
      hooks: t.hooks,
      plan: t.plan,
      repoRoot: t.repoRoot,
      planId: t.planId,
      todoPath: t.todoPath,
      coordinator,
      execute,
      test: t.test,
      parallel: s.parallel,
      maxRebases: s.maxRebases,
      targets,
      maxCost: s.maxCost,
      preflight: t.preflight,
      landedBy: `Integrated by ${t.me.name}@${t.me.host} (specloop run --team).`,
      say,
    });
    await followRemote(t, g, say);
    return summarize(
      'team',
      `${t.remote}/${t.branch}`,
      t,
      targets,
      result,
      { started, now: ctx.clock.now() },
      say,
    );
  } finally {
    await lock.release();
  }
};

/**
 * Bring the local integration branch up to the remote one when that is a fast-forward
 * (and, when it is checked out, only with a clean tree), so the user sees the result.
 */
export async function followRemote(t: TeamSetup, g: GitOptions, say: (s: string) => void): Promise<void> {
  const remoteTip = await resolveCommit(t.repoRoot, `refs/remotes/${t.remote}/${t.branch}`, g);
  const local = await resolveCommit(t.repoRoot, `refs/heads/${t.branch}`, g);
  if (!remoteTip || !local || local === remoteTip) return;
  if (!(await isAncestor(t.repoRoot, local, remoteTip, g))) return;
  if ((await currentBranch(t.repoRoot, g)) === t.branch) {
    if ((await status(t.repoRoot, { ...g, untracked: false, exclude: ['.specloop'] })).length > 0) return;
    const r = await tryGit(t.repoRoot, ['merge', '--ff-only', '--quiet', remoteTip], g);
    if (r.ok) say(`${t.branch} fast-forwarded to ${t.remote}/${t.branch}`);
    return;
  }
  await tryGit(t.repoRoot, ['update-ref', `refs/heads/${t.branch}`, remoteTip, local], g);
}
