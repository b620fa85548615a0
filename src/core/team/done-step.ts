import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import { claimRef, isExpired, swapRemoteRef } from './claims.js';
import { currentBranch, git, gitLine, isAncestor, statusLines, tryGit } from './git.js';
import { prepareLanding } from './land.js';
import { fetchRemoteState } from './remote-state.js';
import { requireStep } from './setup.js';
import { resolveTeam } from './team-run.js';
import type { TeamRunOptions } from './types.js';
import { excludeWorktrees, WORKTREES_DIR } from './worktrees.js';

export interface DoneResult {
  step: number;
  /** The commit on the remote integration branch carrying `Specloop-Step: N`. */
  commit: string;
  /** How many of the person's commits were integrated. */
  commits: number;
  branch: string;
  remote: string;
  /** What happened to the person's local branch. */
  local: 'fast-forwarded' | 'reset to the integrated commits' | 'left as is';
}

/**
 * `specloop done N`: integrate a person's commits for step N like an agent's — rebase them
 * onto the remote integration tip (in a scratch worktree, so their checkout is untouched
 * until it lands), run the tests, add the todo tick with the trailers, and push
 * fast-forward only; a lost race fetches and goes again. Exactly once: a step already
 * on the remote is refused.
 */
export async function doneStep(
  ctx: Context,
  o: TeamRunOptions & { step: number; force?: boolean },
): Promise<DoneResult> {
  const t = await resolveTeam(ctx, o);
  requireStep(t.plan, o.step);
  const step = t.plan.steps.find((s) => s.number === o.step) as {
    number: number;
    title: string;
    context: string;
  };
  const work = ctx.cwd;
  const head = (await tryGit(work, ['rev-parse', '--verify', 'HEAD'])).stdout.trim();
  const dirty = await statusLines(work, { untracked: false });
  if (dirty.length > 0)
    throw new UsageError(`uncommitted changes:\n  ${dirty.slice(0, 10).join('\n  ')}`, {
      code: 'E_DIRTY',
      hint: `commit the work for step ${o.step} first (specloop integrates commits, not the working tree)`,
    });
  const count = Number(await gitLine(work, ['rev-list', '--count', `${t.tip}..${head}`]));
  if (count === 0)
    throw new UsageError(`no commits on top of ${t.remote}/${t.branch} to integrate for step ${o.step}`, {
      code: 'E_NOTHING_TO_DO',
      hint: 'commit your work for the step on a branch cut from the team branch, then run this again',
    });
  const rs = await fetchRemoteState(t.repoRoot, { remote: t.remote, branch: t.branch, planId: t.planId });
  const c = rs.claims.get(o.step);
  if (c && c.holder !== t.me.name && !isExpired(c, ctx.clock.now()) && !o.force)
    throw new UsageError(`step ${o.step} is claimed by ${c.holder}@${c.host}`, {
      code: 'E_CLAIMED',
      hint: `agree with them first; --force integrates anyway (their work would then be dropped as a duplicate)`,
    });
  await excludeWorktrees(t.repoRoot);
  const dir = join(t.repoRoot, WORKTREES_DIR, `done-${o.step}`);
  if (existsSync(dir)) await tryGit(t.repoRoot, ['worktree', 'remove', '--force', dir]);
  await rm(dir, { recursive: true, force: true });
  await git(t.repoRoot, ['worktree', 'add', '-q', '--detach', dir, head]);
  try {
    const landed = await land(ctx, t, dir, step);
    const cl = (
      await fetchRemoteState(t.repoRoot, { remote: t.remote, branch: t.branch, planId: t.planId })
    ).claims.get(o.step);
    if (cl) await swapRemoteRef(t.repoRoot, t.remote, claimRef(t.planId, o.step), cl.sha, undefined);
    return {
      step: o.step,
      commit: landed,
      commits: count,
      branch: t.branch,
      remote: t.remote,
      local: await follow(t, work, head, landed),
    };
  } finally {
    await tryGit(t.repoRoot, ['worktree', 'remove', '--force', dir]);
  }
}

type Team = Awaited<ReturnType<typeof resolveTeam>>;

async function land(
  ctx: Context,
  t: Team,
  dir: string,
  step: { number: number; title: string },
): Promise<string> {
  for (let race = 0; race < 20; race++) {
    const tip = (await fetchRemoteState(t.repoRoot, { remote: t.remote, branch: t.branch, planId: t.planId }))
      .tip as string;
    const prep = await prepareLanding({
      repoRoot: t.repoRoot,
      dir,
      step,
      planId: t.planId,
      tip,
      todoPath: t.todoPath,
      mode: 'keep',
      body: `Integrated by ${t.me.name}@${t.me.host} (specloop done).`,
      test: (cwd) => t.test(cwd, ctx.signal),
    });
    if (prep.kind === 'already')
      throw new UsageError(
        `step ${step.number} is already integrated (${prep.commit.slice(0, 7)} by ${prep.author})`,
        {
          code: 'E_STEP_DONE',
        },
      );
    if (prep.kind === 'conflict')
      throw new WorkError(
        `your commits for step ${step.number} conflict with ${t.remote}/${t.branch} in ${prep.files.join(', ')}`,
        {
          code: 'E_CONFLICT',
          hint: `\`git pull --rebase ${t.remote} ${t.branch}\`, resolve, then \`specloop done ${step.number}\` again`,
        },
      );
    if (prep.kind === 'red')
      throw new WorkError(
        `the tests fail on your commits for step ${step.number} (rebased onto ${t.remote}/${t.branch}):\n${prep.output.trim().split('\n').slice(-30).join('\n')}`,
        { code: 'E_TESTS_RED', hint: `fix it, commit, then \`specloop done ${step.number}\` again` },
      );
    const r = await swapRemoteRef(t.repoRoot, t.remote, `refs/heads/${t.branch}`, tip, prep.commit);
    if (r.ok) return prep.commit;
    ctx.stderr.write(`${t.remote}/${t.branch} moved meanwhile; rebasing onto the new tip\n`);
  }
  throw new WorkError(`lost the race to ${t.remote}/${t.branch} 20 times in a row`, {
    hint: 'try again in a moment',
  });
}

/** Move the person's branch to what landed, when it is the team branch and that is safe. */
async function follow(t: Team, work: string, head: string, landed: string): Promise<DoneResult['local']> {
  if ((await currentBranch(work)) !== t.branch) return 'left as is';
  if (await isAncestor(work, head, landed)) {
    return (await tryGit(work, ['merge', '--ff-only', '--quiet', landed])).ok
      ? 'fast-forwarded'
      : 'left as is';
  }
  // Their commits were rebased: the landed history holds the same changes; `--keep` refuses to drop local edits.
  return (await tryGit(work, ['reset', '--keep', '--quiet', landed])).ok
    ? 'reset to the integrated commits'
    : 'left as is';
}
