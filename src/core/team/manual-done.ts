import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Context } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import {
  currentBranch,
  type GitOptions,
  git,
  gitLine,
  isAncestor,
  status,
  statusLine,
  tryGit,
} from '../git/index.js';
import { type PlanSource, type RunSettings, runErrors } from '../run/index.js';
import { claimRef, isExpired, swapRemoteRef } from './claims.js';
import { prepareLanding } from './integration-commit.js';
import { IntegrationQueue, landThroughQueue } from './integration-queue.js';
import { fetchRemoteState } from './remote-state.js';
import { resolveTeam, type TeamSetup } from './team-run.js';
import { requireStep } from './team-setup.js';
import { excludeWorktrees, worktreeDir } from './worktrees.js';

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
 * `specloop done N`: integrate a person's commits for step N like an agent's — through the
 * same integration queue (integration-queue.ts): rebase onto the remote tip in a scratch
 * worktree (their checkout is untouched until it lands), run the tests, add the todo tick
 * with the trailers, push fast-forward only. Exactly once: a step already landed is refused.
 */
export async function doneStep(
  ctx: Context,
  s: RunSettings,
  src: PlanSource,
  o: { step: number; force?: boolean },
): Promise<DoneResult> {
  const g: GitOptions = { env: ctx.env };
  const t = await resolveTeam(ctx, s, src);
  requireStep(t.plan, o.step);
  const step = t.plan.steps.find((st) => st.number === o.step) as {
    number: number;
    title: string;
    context: string;
  };
  const work = ctx.cwd;
  const head = (await tryGit(work, ['rev-parse', '--verify', 'HEAD'], g)).stdout.trim();
  const dirty = await status(work, { ...g, untracked: false, exclude: ['.specloop'] });
  if (dirty.length > 0)
    throw runErrors.dirty(
      dirty.map(statusLine),
      `commit the work for step ${o.step} first (specloop integrates commits, not the working tree)`,
    );
  const count = Number(await gitLine(work, ['rev-list', '--count', `${t.tip}..${head}`], g));
  if (count === 0)
    throw new UsageError(`no commits on top of ${t.remote}/${t.branch} to integrate for step ${o.step}`, {
      code: 'E_NOTHING_TO_DO',
      hint: 'commit your work for the step on a branch cut from the team branch, then run this again',
    });
  const fetch = () =>
    fetchRemoteState(t.repoRoot, { ...g, remote: t.remote, branch: t.branch, planId: t.planId });
  const c = (await fetch()).claims.get(o.step);
  if (c && c.holder !== t.me.name && !isExpired(c, ctx.clock.now()) && !o.force)
    throw new UsageError(`step ${o.step} is claimed by ${c.holder}@${c.host}`, {
      code: 'E_CLAIMED',
      hint: `agree with them first; --force integrates anyway (their work would then be dropped as a duplicate)`,
    });
  await excludeWorktrees(t.repoRoot, g);
  const dir = worktreeDir(t.repoRoot, t.planId, `done-${o.step}`);
  if (existsSync(dir)) await tryGit(t.repoRoot, ['worktree', 'remove', '--force', dir], g);
  await rm(dir, { recursive: true, force: true });
  await git(t.repoRoot, ['worktree', 'add', '-q', '--detach', dir, head], g);
  try {
    const landed = await land(ctx, t, dir, step, fetch);
    const cl = (await fetch()).claims.get(o.step);
    if (cl) await swapRemoteRef(t.repoRoot, t.remote, claimRef(t.planId, o.step), cl.sha, undefined, g);
    return {
      step: o.step,
      commit: landed,
      commits: count,
      branch: t.branch,
      remote: t.remote,
      local: await follow(t, g, work, head, landed),
    };
  } finally {
    await tryGit(t.repoRoot, ['worktree', 'remove', '--force', dir], g);
  }
}

async function land(
  ctx: Context,
  t: TeamSetup,
  dir: string,
  step: { number: number; title: string },
  fetch: () => ReturnType<typeof fetchRemoteState>,
): Promise<string> {
  const g: GitOptions = { env: ctx.env };
  const res = await landThroughQueue({
    queue: new IntegrationQueue(),
    branch: `${t.remote}/${t.branch}`,
    step: step.number,
    currentTip: async () => (await fetch()).tip as string,
    publish: async (commit, tip) =>
      (await swapRemoteRef(t.repoRoot, t.remote, `refs/heads/${t.branch}`, tip, commit, g)).ok,
    onLostRace: () =>
      ctx.stderr.write(`${t.remote}/${t.branch} moved meanwhile; rebasing onto the new tip\n`),
    prepare: (tip) =>
      prepareLanding({
        ...g,
        repoRoot: t.repoRoot,
        dir,
        step,
        planId: t.planId,
        tip,
        todoPath: t.todoPath,
        mode: 'keep',
        body: `Integrated by ${t.me.name}@${t.me.host} (specloop done).`,
        test: (cwd) => t.test(cwd, ctx.signal),
      }),
  });
  if (res.kind === 'landed') return res.commit;
  if (res.kind === 'already')
    throw new UsageError(
      `step ${step.number} is already integrated (${res.commit.slice(0, 7)} by ${res.author})`,
      {
        code: 'E_STEP_DONE',
      },
    );
  if (res.kind === 'conflict')
    throw new WorkError(
      `your commits for step ${step.number} conflict with ${t.remote}/${t.branch} in ${res.files.join(', ')}`,
      {
        code: 'E_CONFLICT',
        hint: `\`git pull --rebase ${t.remote} ${t.branch}\`, resolve, then \`specloop done ${step.number}\` again`,
      },
    );
  throw new WorkError(
    `the tests fail on your commits for step ${step.number} (rebased onto ${t.remote}/${t.branch}):\n${res.output.trim().split('\n').slice(-30).join('\n')}`,
    { code: 'E_TESTS_RED', hint: `fix it, commit, then \`specloop done ${step.number}\` again` },
  );
}

/** Move the person's branch to what landed, when it is the team branch and that is safe. */
async function follow(
  t: TeamSetup,
  g: GitOptions,
  work: string,
  head: string,
  landed: string,
): Promise<DoneResult['local']> {
  if ((await currentBranch(work, g)) !== t.branch) return 'left as is';
  if (await isAncestor(work, head, landed, g)) {
    return (await tryGit(work, ['merge', '--ff-only', '--quiet', landed], g)).ok
      ? 'fast-forwarded'
      : 'left as is';
  }
  // Their commits were rebased: the landed history holds the same changes; `--keep` refuses to drop local edits.
  return (await tryGit(work, ['reset', '--keep', '--quiet', landed], g)).ok
    ? 'reset to the integrated commits'
    : 'left as is';
}
