import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError } from '../errors.js';
import { GitError, type GitOptions, git, headAfterCommit, tryGit } from '../git/index.js';
import type { PlanStep } from '../plan/index.js';
import {
  createExecutor,
  executeStep,
  notifyAttempt,
  type RunSettings,
  STEP_TRAILER,
  todoTextAt,
  type Usage,
  usageOf,
} from '../run/index.js';
import type { View } from './coordinator.js';
import { prepareLanding } from './integration-commit.js';
import { type IntegrationQueue, landThroughQueue } from './integration-queue.js';
import { conflictNote, redNote, type TemplateRoots } from './retry-notes.js';
import type { RunSetup } from './team-setup.js';
import type { EngineOptions, ExecuteFn, StepOutcome } from './types.js';
import { beginSpeculation, endSpeculation, prepareWorktree, removeWorktree } from './worktrees.js';

/** What the worktree steps of one run share. */
export interface TaskShared {
  o: EngineOptions;
  /** The integration queue: one publish at a time, in order (integration-queue.ts). */
  queue: IntegrationQueue;
  /** Aborted on Ctrl-C or when the run gives up: stop at the next safe point. */
  signal: AbortSignal;
  /** What an executor call spent (the run's totals and its --max-cost budget). */
  spent(r: { cost: number; usage: Usage; usageKnown: boolean }): void;
  /** USD left of `--max-cost` (undefined: no limit): what a new attempt may still spend. */
  budgetLeft(): number | undefined;
  /** Where the retry-note templates are looked up (project > global > built-in). */
  templates: TemplateRoots;
  /** Work to finish before the run ends, off the step's own path (a landed step's worktree removal and record). */
  afterLanding(work: Promise<unknown>): void;
  /** Ignored root directories (node_modules …) each worktree cut from `tip` links to the main checkout's. */
  links(tip: string): Promise<readonly string[]>;
  now(): number;
}

/**
 * The executor seam for worktree steps: the run core's attempt loop (`executeStep`, the
 * same as solo, with the same settings and hooks), which edits and tests in the step's
 * worktree and leaves the committing to the landing. Activity is prefixed with the step.
 */
export async function worktreeExecutor(
  ctx: Context,
  s: RunSettings,
  setup: RunSetup,
  runId: string,
): Promise<ExecuteFn> {
  const executor = await createExecutor(ctx, s.executor, {
    model: s.model,
    maxToolCalls: s.maxToolCalls,
    preflight: true,
  });
  const spec = setup.specPath ? await readFile(setup.specPath, 'utf8').catch(() => undefined) : undefined;
  return async ({ dir, step, done, note, signal, maxCost }) => {
    const say = (t: string) => ctx.stderr.write(`step ${step.number}: ${t}\n`);
    const r = await executeStep(ctx, {
      repoDir: dir,
      plan: setup.plan,
      step,
      executor,
      testCommand: s.testCommand,
      testTimeoutMs: s.testTimeoutMs,
      maxAttempts: s.maxAttempts,
      tdd: s.tdd,
      spec,
      done,
      note,
      maxCost,
      ignore: setup.todoPath ? [setup.todoPath] : [],
      signal,
      hooks: setup.hooks,
      run: { runId, planId: setup.planId, mode: s.mode },
      onEvent: (e) => {
        if (e.type === 'attempt-start') say(`attempt ${e.attempt}/${e.maxAttempts} with ${executor.label}`);
        else if (e.type === 'attempt-end' && !e.ok)
          say(`attempt ${e.attempt} failed — ${e.reason ?? 'unknown reason'}`);
        else if (e.type === 'tests-end') say(`tests ${e.ok ? 'green' : 'red'}`);
        else if (e.type === 'note') say(e.text);
      },
    });
    return {
      ok: r.ok,
      attempts: r.attempts,
      reason: r.reason,
      cost: r.cost,
      costKnown: r.costKnown,
      usage: { ...r.usage },
      usageKnown: r.usageKnown !== false,
    };
  };
}

/**
 * One step, start to finish: a worktree cut from `base`, the executor, then the integration
 * queue — and back to the executor on the new base after a conflict or a red rebase (at
 * most `maxRebases` times). The claim is held (lease renewed) throughout; losing it stops
 * the step. Returns how it ended; the worktree of a failed step is kept for a look.
 */
export async function runWorktreeStep(sh: TaskShared, step: PlanStep, base: View): Promise<StepOutcome> {
  const { o } = sh;
  const g: GitOptions = { env: o.env };
  const coord = o.coordinator;
  const n = step.number;
  const started = sh.now();
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  sh.signal.addEventListener('abort', onAbort, { once: true });
  let lost: string | undefined;
  const stopHold = coord.hold(n, (why) => {
    lost = why;
    ac.abort();
  });
  let attempts = 0;
  /** What the step's executor calls used, over every base: the landing commit's usage trailers. */
  const used = { inputTokens: 0, outputTokens: 0, usageKnown: true, cost: 0, costKnown: true };
  let rebases = 0;
  /** The commit holding exactly the tree our own test run just passed (none after a resume). */
  let testedHead: string | undefined;
  /** The tip `testedHead` was committed right on top of, until a landing may have rebased it. */
  let onBase: string | undefined;
  /** Where the step branch stood before the last landing preparation, and `onBase` then. */
  let standing: string | undefined;
  let unrebased: string | undefined;
  const commitTested = async (dir: string, base: string) => {
    // HEAD before our commit (from the ref files, else git): an executor that moved HEAD
    // itself leaves its commits to the rebase.
    const before = await headAfterCommit(dir, g);
    testedHead = await commitWork(dir, n, { repoRoot: o.repoRoot, todoPath: o.todoPath, head: before }, g);
    onBase = before === base && testedHead !== before ? base : undefined;
  };
  const outcome = (status: StepOutcome['status'], extra: Partial<StepOutcome> = {}): StepOutcome => ({
    step: n,
    status,
    attempts,
    rebases,
    durationMs: sh.now() - started,
    ...extra,
  });
  const runExecutor = async (dir: string, done: number[], note?: string) => {
    const r = await o.execute({ dir, step, done, note, maxCost: sh.budgetLeft(), signal: ac.signal });
    attempts += r.attempts;
    used.inputTokens += r.usage.inputTokens;
    used.outputTokens += r.usage.outputTokens;
    used.usageKnown &&= r.usageKnown;
    used.cost += r.cost;
    used.costKnown &&= r.costKnown;
    sh.spent(r);
    if (ac.signal.aborted) throw new InterruptedError(lost ?? 'interrupted');
    return r;
  };
  try {
    const wt = await prepareWorktree(o.repoRoot, {
      ...g,
      planId: o.planId,
      step: n,
      base: base.tip,
      links: sh.links(base.tip),
      now: sh.now(),
    });
    for (const note of wt.notes) o.say(note);
    if (!wt.resumed) {
      o.say(`step ${n}: started — ${step.title}`);
      const r = await runExecutor(wt.dir, [...base.done]);
      if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the executor did not get the tests green' });
      await commitTested(wt.dir, wt.base);
    }
    for (;;) {
      const res = await landThroughQueue({
        queue: sh.queue,
        branch: coord.branch,
        step: n,
        currentTip: () => coord.currentTip(),
        publish: (commit, tip) => coord.publish(commit, tip),
        onLostRace: () => o.say(`step ${n}: ${coord.branch} moved while landing; rebasing onto the new tip`),
        prepare: async (tip, built, speculative) => {
          unrebased = onBase;
          onBase = undefined; // after this look the branch may sit on `tip`
          standing = await headAfterCommit(wt.dir, g); // HEAD from the ref files (else git)
          if (speculative) {
            if (!standing) throw new Error(`step ${n}: cannot tell where its branch stands`);
            await beginSpeculation(o.repoRoot, { planId: o.planId, step: n, head: standing });
          }
          return prepareLanding({
            ...g,
            repoRoot: o.repoRoot,
            dir: wt.dir,
            step: { number: n, title: step.title, context: step.context },
            planId: o.planId,
            tip,
            todoPath: o.todoPath,
            mode: 'squash',
            body: o.landedBy,
            // Only this run's calls (a resumed worktree's earlier ones are not known here).
            usage: usageOf({ attempts, ...used }),
            test: (dir) => o.test(dir, ac.signal),
            testedHead,
            onBase: unrebased,
            onBuilt: built,
          });
        },
        // A preparation on a tip that was never published: the branch back where it was.
        discard: async () => {
          if (!standing) throw new Error(`step ${n}: cannot tell where its branch stood before the landing`);
          if ((await headAfterCommit(wt.dir, g)) !== standing)
            await git(wt.dir, ['reset', '-q', '--hard', standing], g);
          await endSpeculation(o.repoRoot, { planId: o.planId, step: n });
          onBase = unrebased;
        },
        keep: () => endSpeculation(o.repoRoot, { planId: o.planId, step: n }),
      });
      if (res.kind === 'landed') {
        // The step is done once published. Removing its worktree and settling the attempt's
        // record are housekeeping the scheduler runs beside the next steps, finished before
        // the run returns (a kill before the removal is cleaned up by the next run's
        // recovery: the branch holds exactly the landed work).
        sh.afterLanding(
          removeWorktree(o.repoRoot, { ...g, planId: o.planId, step: n, landedFrom: res.head }).then(
            (kept) => kept && o.say(`step ${n}: ${kept}`),
          ),
        );
        o.say(`step ${n}: landed ${res.commit.slice(0, 7)} on ${coord.branch}`);
        sh.afterLanding(
          notifyAttempt(
            o.hooks,
            'stepLanded',
            {
              runId: o.runId,
              planId: o.planId,
              mode: o.mode,
              step: n,
              attempt: attempts,
              dir: wt.dir,
              commit: res.commit,
              attempts,
            },
            o.say,
          ),
        );
        return outcome('landed', { commit: res.commit });
      }
      if (res.kind === 'already') {
        o.say(
          `step ${n}: already integrated by ${res.author} (${res.commit.slice(0, 7)}); dropping this copy`,
        );
        const kept = await removeWorktree(o.repoRoot, { ...g, planId: o.planId, step: n });
        if (kept) o.say(`step ${n}: ${kept}`);
        return outcome('skipped', { commit: res.commit, reason: `already integrated by ${res.author}` });
      }
      rebases += 1;
      const landed = (await stepsBetween(o.repoRoot, wt.base, res.tip, g)).map((s) => `step ${s}`);
      if (rebases > o.maxRebases)
        return outcome('failed', {
          reason: `still ${res.kind === 'conflict' ? 'conflicting' : 'red'} after ${o.maxRebases} retries on a new base`,
        });
      let note: string;
      if (res.kind === 'conflict') {
        o.say(
          `step ${n}: conflicts with newer work in ${res.files.join(', ')}; retrying on the new base (${rebases}/${o.maxRebases})`,
        );
        await git(wt.dir, ['reset', '-q', '--hard', res.tip], g);
        note = await conflictNote(sh.templates, { ...res, landed });
      } else {
        o.say(`step ${n}: tests red after rebasing onto the new base; retrying (${rebases}/${o.maxRebases})`);
        note = await redNote(sh.templates, { output: res.output, landed });
      }
      const doneNow = [...(await coord.refresh()).done];
      const r = await runExecutor(wt.dir, doneNow, note);
      if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the retry on the new base failed' });
      // After a conflict the branch was reset to the new tip, so the retry's commit sits right
      // on it; after a red rebase it sits on the rebased commit, and the landing rebases as usual.
      await commitTested(wt.dir, res.tip);
    }
  } catch (err) {
    if (lost) return outcome('skipped', { reason: lost });
    throw err;
  } finally {
    stopHold();
    sh.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Commit the executor's changes in the worktree. The tick and the trailers come at landing,
 * so an executor's own edit of todo.md is undone here (it would conflict with other steps' ticks).
 * Returns the commit: the work tree the step's green test run just checked (the guard saw it
 * unchanged through the run), all of it added — todo.md aside, which the tick replaces.
 */
async function commitWork(
  dir: string,
  n: number,
  o: { repoRoot: string; todoPath?: string; head?: string },
  g: GitOptions,
): Promise<string | undefined> {
  const todoPath = o.todoPath;
  if (todoPath && !(o.head && (await untouched(dir, todoPath, { ...o, head: o.head }, g)))) {
    const restore = await tryGit(dir, ['checkout', '-q', 'HEAD', '--', todoPath], g);
    // Refused only when HEAD has no todo.md (nothing to restore); anything else is an error.
    if (!restore.ok && (await tryGit(dir, ['cat-file', '-e', `HEAD:${todoPath}`], g)).ok)
      throw new GitError(['checkout'], restore.code, restore.stderr, restore.stdout);
  }
  await git(dir, ['add', '--all', '--', ':/', ':(exclude,top).specloop'], g);
  const args = ['commit', '-q', '--no-verify', '-m', `specloop: work on step ${n} (not landed yet)`];
  const made = await tryGit(dir, args, g);
  // A commit with nothing staged is refused; that is fine (the executor committed its work itself).
  if (!made.ok && !(await tryGit(dir, ['diff', '--cached', '--quiet'], g)).ok)
    throw new GitError(args, made.code, made.stderr, made.stdout);
  return headAfterCommit(dir, g);
}

/**
 * True when the file at `path` is, on disk, exactly HEAD's (`o.head`): a regular file, not
 * executable, with the same text. Then `git add --all` stages it as HEAD has it and there is
 * nothing to restore — most executors never touch todo.md.
 */
async function untouched(
  dir: string,
  path: string,
  o: { repoRoot: string; head: string },
  g: GitOptions,
): Promise<boolean> {
  const file = join(dir, path);
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile() || (st.mode & 0o111) !== 0) return false;
  const [disk, committed] = await Promise.all([
    readFile(file, 'utf8').catch(() => undefined),
    todoTextAt(g, { dir: o.repoRoot, sha: o.head, todoRel: path }),
  ]);
  return disk !== undefined && disk === committed;
}

/** Step numbers whose trailers appear on `tip` but not on `base`. */
async function stepsBetween(repo: string, base: string, tip: string, g: GitOptions): Promise<number[]> {
  const fmt = `--format=%(trailers:key=${STEP_TRAILER},valueonly,separator=%x2C)`;
  const out = await git(repo, ['log', fmt, `${base}..${tip}`], g);
  return out
    .split(/[\n,]/)
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
