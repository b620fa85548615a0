import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { parsePlan } from '../plan/index.js';
import { swapRemoteRef } from './claims.js';
import { runEngine } from './engine.js';
import { defaultExecute } from './exec-step.js';
import { currentBranch, isAncestor, resolveCommit, statusLines, tryGit } from './git.js';
import { type Identity, resolveIdentity } from './identity.js';
import { recoverWorktrees } from './parallel.js';
import { remoteCoordinator } from './remote-coordinator.js';
import { fetchRemoteState, resolveRemote } from './remote-state.js';
import { summarize } from './result.js';
import {
  type RunSetup,
  requireCommitted,
  requireStep,
  resolveSetup,
  type TeamDeps,
  withDependencies,
} from './setup.js';
import type { TeamRunOptions, TeamRunResult } from './types.js';
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
 * integration branch (publishing the local one when the remote has none yet) and who
 * we are. The plan must be committed on the remote branch as the working copy has it.
 */
export async function resolveTeam(ctx: Context, opts: TeamRunOptions): Promise<TeamSetup> {
  const s = await resolveSetup(ctx, opts);
  const { remote, branch } = await resolveRemote(ctx, s.repoRoot, opts);
  let rs = await fetchRemoteState(s.repoRoot, { remote, branch, planId: s.planId, signal: ctx.signal });
  if (!rs.tip) {
    const local = await resolveCommit(s.repoRoot, `refs/heads/${branch}`);
    if (!local)
      throw new UsageError(`neither ${remote} nor this clone has a branch ${branch}`, {
        hint: 'push the branch with the plan first, or name another with --branch / team.integrationBranch',
      });
    await requireCommitted(s.repoRoot, local, branch, [s.planPath, s.todoPath]);
    await swapRemoteRef(s.repoRoot, remote, `refs/heads/${branch}`, undefined, local);
    ctx.stderr.write(`published ${branch} to ${remote} as the integration branch\n`);
    rs = await fetchRemoteState(s.repoRoot, { remote, branch, planId: s.planId, signal: ctx.signal });
  }
  const tip = rs.tip as string;
  return {
    ...s,
    ...(await planOnTip(s, tip, `${remote}/${branch}`, opts.steps)),
    remote,
    branch,
    tip,
    me: await resolveIdentity(ctx, s.repoRoot, opts.name),
    leaseSeconds: opts.leaseSeconds ?? ctx.config.team.leaseSeconds,
  };
}

/**
 * In team mode the plan that counts is the one on the remote branch (the worktrees are cut
 * from it; a clone that is behind still has an older todo.md, which is fine).
 */
async function planOnTip(
  s: RunSetup,
  tip: string,
  label: string,
  steps?: number[],
): Promise<Pick<RunSetup, 'plan' | 'targets'>> {
  const r = await tryGit(s.repoRoot, ['show', `${tip}:${s.planPath}`]);
  const missing = !r.ok
    ? s.planPath
    : s.todoPath && !(await tryGit(s.repoRoot, ['cat-file', '-e', `${tip}:${s.todoPath}`])).ok
      ? s.todoPath
      : undefined;
  if (missing)
    throw new UsageError(`${missing} is not on ${label}`, {
      code: 'E_PLAN_NOT_COMMITTED',
      hint: `the team works from ${label}: commit and push ${missing} first`,
    });
  const plan = parsePlan(r.stdout, { file: `${label}:${s.planPath}` });
  for (const n of steps ?? []) requireStep(plan, n);
  return { plan, targets: withDependencies(plan, steps ?? plan.steps.map((st) => st.number)) };
}

/** `run --team`: claim ready steps on the remote, run them in worktrees, land them fast-forward only. */
export async function runTeamImpl(
  ctx: Context,
  opts: TeamRunOptions,
  deps: TeamDeps = {},
): Promise<TeamRunResult> {
  const started = Date.now();
  const t = await resolveTeam(ctx, opts);
  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const execute = deps.execute ?? (await defaultExecute(ctx, opts, t));
  say(`team run as ${t.me.name}@${t.me.host} on ${t.remote}/${t.branch} (lease ${t.leaseSeconds} s)`);
  await excludeWorktrees(t.repoRoot);
  await recoverWorktrees(t.repoRoot, t.planId, t.tip, t.todoPath, say);
  const coordinator = remoteCoordinator({ ...t, say });
  const result = await runEngine(ctx, {
    plan: t.plan,
    repoRoot: t.repoRoot,
    planId: t.planId,
    todoPath: t.todoPath,
    coordinator,
    execute,
    test: t.test,
    parallel: t.parallel,
    maxRebases: t.maxRebases,
    targets: t.targets,
    maxCost: opts.maxCost ?? ctx.config.run.maxCost,
    landedBy: `Integrated by ${t.me.name}@${t.me.host} (specloop run --team).`,
    say,
  });
  await followRemote(t, say);
  return summarize('team', `${t.remote}/${t.branch}`, t, result, started, say);
}

/**
 * Bring the local integration branch up to the remote one when that is a fast-forward
 * (and, when it is checked out, only with a clean tree), so the user sees the result.
 */
export async function followRemote(t: TeamSetup, say: (s: string) => void): Promise<void> {
  const remoteTip = await resolveCommit(t.repoRoot, `refs/remotes/${t.remote}/${t.branch}`);
  const local = await resolveCommit(t.repoRoot, `refs/heads/${t.branch}`);
  if (!remoteTip || !local || local === remoteTip) return;
  if (!(await isAncestor(t.repoRoot, local, remoteTip))) return;
  if ((await currentBranch(t.repoRoot)) === t.branch) {
    if ((await statusLines(t.repoRoot, { untracked: false })).length > 0) return;
    const r = await tryGit(t.repoRoot, ['merge', '--ff-only', '--quiet', remoteTip]);
    if (r.ok) say(`${t.branch} fast-forwarded to ${t.remote}/${t.branch}`);
    return;
  }
  await tryGit(t.repoRoot, ['update-ref', `refs/heads/${t.branch}`, remoteTip, local]);
}
