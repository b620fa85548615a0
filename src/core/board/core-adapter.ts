/**
 * The ONE place the board touches the run and team cores. Everything here comes from
 * `run/index.ts` and `team/index.ts` (their public APIs): when the run core changes its
 * definition of a landed step (reverts, plan identity), only this file follows.
 */
import type { Context } from '../context.js';
import { git, loadPlanSource, type PlanSource, tickedSteps, trailerSteps } from '../run/index.js';
import {
  claimStep,
  findTarget,
  type ReleaseResult,
  releaseStep,
  type TeamStatus,
  teamStatus,
} from '../team/index.js';

export type { PlanSource, TeamStatus };

/** A step the board shows as landed: the commit that landed it (absent when only ticked by hand). */
export interface LandedStep {
  step: number;
  commit?: string;
  subject?: string;
  author?: string;
  /** ISO time of the commit. */
  at?: string;
}

/** The repository root and the plan the board is about, found the way `specloop run` finds it. */
export async function loadPlan(ctx: Context, o: { from?: string }): Promise<PlanSource> {
  const repoRoot = await git.requireRepo(ctx.cwd, { env: ctx.env });
  return loadPlanSource(ctx, { repoRoot, from: o.from });
}

/** The checked-out branch (undefined when detached). */
export function currentBranch(repoRoot: string): Promise<string | undefined> {
  return git.currentBranch(repoRoot);
}

/**
 * Steps landed on `ref` (default HEAD) by run's definition: trailer commits of this plan
 * (since the plan's fresh start) plus boxes ticked in the working todo.md.
 */
export async function landedSteps(src: PlanSource, ref = 'HEAD'): Promise<Map<number, LandedStep>> {
  const todoRel = src.todoPath.slice(src.repoRoot.length + 1);
  const commits = await trailerSteps(src.repoRoot, {
    planId: src.planId,
    todoRel,
    ref,
    workingTodo: src.todoOnDisk ? src.todoText : undefined,
  });
  const out = new Map<number, LandedStep>();
  for (const [n, c] of commits) out.set(n, { step: n, commit: c.commit, subject: c.subject });
  await addAuthors(src.repoRoot, [...out.values()]);
  for (const n of tickedSteps(src.todoText)) if (!out.has(n)) out.set(n, { step: n });
  return out;
}

/** Fill author and time of landed commits (one git call). */
async function addAuthors(repoRoot: string, steps: LandedStep[]): Promise<void> {
  const commits = [...new Set(steps.map((s) => s.commit).filter((c): c is string => Boolean(c)))];
  if (!commits.length) return;
  const r = await git.gitTry(repoRoot, ['show', '-s', '--no-walk', '--format=%H%x1f%an%x1f%aI', ...commits]);
  const info = new Map(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [h, an, at] = l.split('\x1f');
        return [h, { author: an, at }] as const;
      }),
  );
  for (const s of steps) Object.assign(s, s.commit ? info.get(s.commit) : {});
}

/** The team's view of the remote (fetches claim refs and the integration branch), with landing times. */
export async function teamSnapshot(
  ctx: Context,
  o: { from?: string; repoRoot: string },
): Promise<TeamStatus & { landed: Map<number, LandedStep> }> {
  const target = await findTarget(ctx, o);
  const status = await teamStatus(ctx, target);
  const landed = status.steps
    .filter((s) => s.state === 'done')
    .map((s): LandedStep => ({ step: s.step, commit: s.commit, author: s.author }));
  await addAuthors(o.repoRoot, landed);
  return { ...status, landed: new Map(landed.map((l) => [l.step, l])) };
}

/** Whether the repository has the configured team remote at all (no remote: a solo board). */
export async function hasTeamRemote(ctx: Context, repoRoot: string): Promise<boolean> {
  const r = await git.gitTry(repoRoot, ['remote', 'get-url', ctx.config.team.remote]);
  return r.code === 0;
}

/** `specloop claim N` — the same call the CLI makes. */
export async function claim(ctx: Context, o: { from?: string; step: number; name?: string }) {
  const target = await findTarget(ctx, o);
  return claimStep(ctx, { ...target, step: o.step, name: o.name });
}

/** `specloop team release N [--force]` — the same call the CLI makes. */
export async function release(
  ctx: Context,
  o: { from?: string; step: number; name?: string; force?: boolean },
): Promise<ReleaseResult> {
  const target = await findTarget(ctx, o);
  return releaseStep(ctx, { ...target, step: o.step, name: o.name, force: o.force });
}

/** `git show` of a landed commit: header fields and the patch. */
export async function commitDiff(
  repoRoot: string,
  commit: string,
): Promise<{ commit: string; author: string; at: string; subject: string; patch: string } | undefined> {
  const r = await git.gitTry(repoRoot, [
    'show',
    '--no-color',
    '--format=%H%x1f%an <%ae>%x1f%aI%x1f%s%x1e',
    '--patch',
    '--find-renames',
    commit,
  ]);
  if (r.code !== 0) return undefined;
  const [head, patch = ''] = r.stdout.split('\x1e');
  const [h, author, at, subject] = (head ?? '').split('\x1f');
  return {
    commit: h ?? commit,
    author: author ?? '',
    at: at ?? '',
    subject: subject ?? '',
    patch: patch.trimStart(),
  };
}

/** The repository's git directory (absolute; a worktree's own). */
export async function gitDir(repoRoot: string): Promise<string> {
  return (await git.git(repoRoot, ['rev-parse', '--absolute-git-dir'])).trim();
}
