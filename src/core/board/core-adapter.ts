/**
 * The ONE place the board touches the run and team cores. Everything here comes from
 * `run/index.ts` and `team/index.ts` (their public APIs): when the run core changes its
 * definition of a landed step (reverts, plan identity), only this file follows.
 */
import { statSync } from 'node:fs';
import type { Context } from '../context.js';
import * as git from '../git/index.js';
import {
  doneSteps,
  loadPlanSource,
  type PlanSource,
  landedSteps as runLandedSteps,
  type StepUsage,
} from '../run/index.js';
import {
  claimStep,
  findTarget,
  type ReleaseResult,
  releaseStep,
  type TeamStatus,
  teamStatus,
} from '../team/index.js';

export type { PlanSource, StepUsage, TeamStatus };

/** A step the board shows as landed: the commit that landed it (absent when only ticked by hand). */
export interface LandedStep {
  step: number;
  commit?: string;
  subject?: string;
  author?: string;
  /** ISO time of the commit. */
  at?: string;
  /** What the step's attempts used, from the commit's trailers (every clone has them). */
  usage?: StepUsage;
}

/** The repository root and the plan the board is about, found the way `specloop run` finds it. */
export async function loadPlan(ctx: Context, o: { from?: string }): Promise<PlanSource> {
  const repoRoot = await git.requireRepo(ctx.cwd, { env: ctx.env });
  return loadPlanSource(ctx, { repoRoot, from: o.from });
}

const stamp = (file: string) => {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return 'absent';
  }
};

/**
 * {@link loadPlan}, parsed again only when prompt_plan.md or todo.md changed (size or
 * mtime): a 200-step plan takes most of a refresh to parse, and most refreshes are about
 * commits and run records, not the plan.
 */
export function planLoader(ctx: Context, o: { from?: string }): () => Promise<PlanSource> {
  let last: { key: string; src: PlanSource } | undefined;
  return async () => {
    const key = last ? `${stamp(last.src.planPath)}|${stamp(last.src.todoPath)}` : '';
    if (last && key === last.key) return last.src;
    const src = await loadPlan(ctx, o);
    last = { key: `${stamp(src.planPath)}|${stamp(src.todoPath)}`, src };
    return src;
  };
}

/** The checked-out branch (undefined when detached). */
export function currentBranch(ctx: Context, repoRoot: string): Promise<string | undefined> {
  return git.currentBranch(repoRoot, { env: ctx.env });
}

const todoRelOf = (src: PlanSource) => src.todoPath.slice(src.repoRoot.length + 1);
const asLanded = (
  n: number,
  l: { commit: string; subject: string; author: string; date: string; usage?: StepUsage } | undefined,
): LandedStep =>
  l
    ? {
        step: n,
        commit: l.commit,
        subject: l.subject,
        author: l.author,
        at: l.date,
        ...(l.usage && { usage: l.usage }),
      }
    : { step: n };

/**
 * Steps done on HEAD by the run core's one definition (trailer commits of this plan that
 * were not reverted, since the plan's fresh start), plus boxes ticked by hand in todo.md.
 */
export async function landedSteps(ctx: Context, src: PlanSource): Promise<Map<number, LandedStep>> {
  // History below a commit never changes: same HEAD and same todo text, same answer.
  const head = await git.headCommit(src.repoRoot, { env: ctx.env });
  const key = `${src.repoRoot}\0${head}\0${src.planId}\0${src.todoText}`;
  const hit = landedCache.get(key);
  if (hit) return new Map(hit);
  const done = await doneSteps(ctx, {
    dir: src.repoRoot,
    planId: src.planId,
    todoRel: todoRelOf(src),
    workingTodo: src.todoOnDisk ? src.todoText : undefined,
    todoText: src.todoText,
  });
  const out = new Map([...done].map(([n, l]) => [n, asLanded(n, l)]));
  landedCache.clear(); // one board, one plan: the last answer is the only one worth keeping
  landedCache.set(key, out);
  return new Map(out);
}

const landedCache = new Map<string, Map<number, LandedStep>>();

/** The team's view of the remote (fetches claim refs and the integration branch), with landing times. */
export async function teamSnapshot(
  ctx: Context,
  o: { from?: string; src: PlanSource },
): Promise<TeamStatus & { landed: Map<number, LandedStep> }> {
  const status = await teamStatus(ctx, await findTarget(ctx, o));
  const onTip = await runLandedSteps(ctx, {
    dir: o.src.repoRoot,
    planId: o.src.planId,
    ref: status.tip,
    todoRel: todoRelOf(o.src),
  });
  const landed = new Map<number, LandedStep>();
  for (const s of status.steps)
    if (s.state === 'done')
      landed.set(
        s.step,
        onTip.has(s.step)
          ? asLanded(s.step, onTip.get(s.step))
          : { step: s.step, commit: s.commit, author: s.author },
      );
  return { ...status, landed };
}

/** Whether the repository has the configured team remote at all (no remote: a solo board). */
export async function hasTeamRemote(ctx: Context, repoRoot: string): Promise<boolean> {
  const r = await git.tryGit(repoRoot, ['remote', 'get-url', ctx.config.team.remote], { env: ctx.env });
  return r.ok;
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
  ctx: Context,
  repoRoot: string,
  commit: string,
): Promise<{ commit: string; author: string; at: string; subject: string; patch: string } | undefined> {
  const r = await git.tryGit(
    repoRoot,
    ['show', '--no-color', '--format=%H%x1f%an <%ae>%x1f%aI%x1f%s%x1e', '--patch', '--find-renames', commit],
    { env: ctx.env },
  );
  if (!r.ok) return undefined;
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
export async function gitDir(ctx: Context, repoRoot: string): Promise<string> {
  return (await git.git(repoRoot, ['rev-parse', '--absolute-git-dir'], { env: ctx.env })).trim();
}
