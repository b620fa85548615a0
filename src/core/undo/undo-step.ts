import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { type Context, rootOf } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import { commit, git, gitLine, requireRepo, status, statusLine, tryGit } from '../git/index.js';
import { markStep } from '../plan/index.js';
import { type LandedStep, landedSteps } from '../run/landed-steps.js';
import { machineState } from '../run/machine-state.js';
import { loadPlanSource } from '../run/plan-source.js';
import { acquireRunLock } from '../run/run-lock.js';
import { PLAN_TRAILER, REVERT_TRAILER } from '../run/trailers.js';

export interface UndoOptions {
  /** The step to take back; default the step landed last. */
  step?: number;
  /** Drop the step's commit instead of reverting it: only for the unpushed tip of the branch. */
  hard?: boolean;
  /** A plan given with `run --from`. */
  from?: string;
  /** Repository (or worktree) to undo in; default the project's repository. */
  dir?: string;
}

export interface UndoResult {
  step: number;
  title: string;
  /** The step commit that was taken back. */
  undone: string;
  /** The revert commit (undefined with `hard`: the step commit is gone instead). */
  revert?: string;
  hard: boolean;
  branch?: string;
}

/**
 * Take a landed step back: one revert commit on the current (run) branch that undoes the
 * step's work and unticks its box in the same commit, marked `Specloop-Revert: <sha>` so the
 * one landed-step definition counts the step as not done (and `run --step N` runs it again).
 * History is never rewritten, except with `hard` for a tip commit no remote has seen.
 * Called by the CLI (`specloop undo`), the board and the MCP server.
 */
export async function undoStep(ctx: Context, opts: UndoOptions = {}): Promise<UndoResult> {
  const env = ctx.env;
  const repo = await requireRepo(opts.dir ?? rootOf(ctx), { env });
  const src = await loadPlanSource(ctx, { repoRoot: repo, from: opts.from });
  const todoRel = relative(repo, src.todoPath).split('\\').join('/');
  const landed = await landedSteps(ctx, { dir: repo, planId: src.planId, todoRel });
  const target = await pickStep(repo, landed, opts.step, env);
  const title = src.plan.steps.find((s) => s.number === target.step)?.title ?? target.subject;

  const dirty = await status(repo, { env, exclude: machineState(ctx, repo) });
  if (dirty.length > 0)
    throw new UsageError(
      `the working tree has uncommitted changes:\n  ${dirty.map(statusLine).join('\n  ')}`,
      {
        code: 'E_DIRTY',
        hint: 'commit or stash them first: undo makes a commit of its own',
      },
    );

  const lock = await acquireRunLock(repo, { command: 'specloop undo', now: ctx.clock.now() });
  try {
    const branch = (
      await tryGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { env })
    ).stdout.trim();
    if (opts.hard) {
      await requireUnpushedTip(repo, target, env);
      await git(repo, ['reset', '--quiet', '--hard', `${target.commit}~1`], { env });
      return { step: target.step, title, undone: target.commit, hard: true, branch: branch || undefined };
    }
    const revert = await revertCommit(repo, {
      target,
      title,
      planId: src.planId,
      todoPath: src.todoPath,
      todoRel,
      env,
    });
    return {
      step: target.step,
      title,
      undone: target.commit,
      revert,
      hard: false,
      branch: branch || undefined,
    };
  } finally {
    await lock.release();
  }
}

/** The requested landed step, or the one whose commit is newest on HEAD. */
async function pickStep(
  repo: string,
  landed: Map<number, LandedStep>,
  step: number | undefined,
  env: Context['env'],
): Promise<LandedStep> {
  if (landed.size === 0)
    throw new UsageError('no landed step to undo on this branch', {
      code: 'E_NOTHING_TO_UNDO',
      hint: 'steps land on the run branch (specloop/<plan>): switch to it first',
    });
  if (step !== undefined) {
    const hit = landed.get(step);
    if (!hit)
      throw new UsageError(`step ${step} has not landed on this branch (or was already undone)`, {
        code: 'E_NOTHING_TO_UNDO',
        hint: `landed: ${[...landed.keys()].sort((a, b) => a - b).join(', ')}`,
      });
    return hit;
  }
  const order = (await git(repo, ['rev-list', 'HEAD'], { env })).split('\n');
  const rank = (c: string) => order.indexOf(c);
  return [...landed.values()].sort((a, b) => rank(a.commit) - rank(b.commit))[0]!;
}

async function requireUnpushedTip(repo: string, target: LandedStep, env: Context['env']): Promise<void> {
  const head = await gitLine(repo, ['rev-parse', 'HEAD'], { env });
  if (head !== target.commit)
    throw new UsageError(`--hard drops only the last commit; step ${target.step} is not at the tip`, {
      code: 'E_UNDO_HARD',
      hint: `run \`specloop undo ${target.step}\` without --hard: a revert commit keeps later work`,
    });
  const remotes = await git(repo, ['branch', '-r', '--contains', target.commit], { env });
  if (remotes.trim())
    throw new UsageError(
      `--hard would rewrite pushed history: ${remotes.trim().split('\n')[0]!.trim()} has it`,
      {
        code: 'E_UNDO_HARD',
        hint: `run \`specloop undo ${target.step}\` without --hard: a revert commit is safe for others`,
      },
    );
}

/**
 * `git revert --no-commit` of the step's commit, with todo.md handled by us: later ticks
 * beside the step's line make git's three-way merge of the tick conflict, and the answer
 * is always "the todo as it is now, with this one box unticked".
 */
async function revertCommit(
  repo: string,
  o: {
    target: LandedStep;
    title: string;
    planId: string;
    todoPath: string;
    todoRel: string;
    env: Context['env'];
  },
): Promise<string> {
  const g = { env: o.env };
  const todoBefore = await readFile(o.todoPath, 'utf8');
  const r = await tryGit(repo, ['revert', '--no-commit', '--no-edit', o.target.commit], g);
  if (r.code !== 0) {
    const conflicts = (await git(repo, ['diff', '--name-only', '--diff-filter=U'], g))
      .split('\n')
      .filter((f) => f && f !== o.todoRel);
    if (conflicts.length > 0 || !/conflict/i.test(`${r.stdout}${r.stderr}`)) {
      await tryGit(repo, ['revert', '--abort'], g);
      await tryGit(repo, ['reset', '--quiet', '--hard', 'HEAD'], g);
      throw new WorkError(
        `step ${o.target.step} cannot be reverted cleanly: later work changed the same lines${conflicts.length ? ` (${conflicts.join(', ')})` : ''}`,
        {
          code: 'E_UNDO_CONFLICT',
          hint: 'undo the later steps first (specloop undo takes the newest by default), or revert by hand',
        },
      );
    }
  }
  await atomicWrite(o.todoPath, markStep(todoBefore, o.target.step, false));
  await git(repo, ['add', '--', o.todoRel], g);
  const short = o.target.commit.slice(0, 10);
  const message = `undo step ${o.target.step}: ${o.title}\n\nThis reverts commit ${o.target.commit} (${short}).\n\n${REVERT_TRAILER}: ${o.target.commit}\n${PLAN_TRAILER}: ${o.planId}\n`;
  const sha = await commit(repo, message, { ...g, allowEmpty: true });
  // Leave no revert-in-progress state behind (a conflicted todo.md was resolved by us).
  await tryGit(repo, ['revert', '--quit'], g);
  return sha;
}
