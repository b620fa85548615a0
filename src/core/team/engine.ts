import type { Context } from '../context.js';
import { InterruptedError, WorkError } from '../errors.js';
import { type Plan, type PlanStep, readySteps } from '../plan/index.js';
import type { Coordinator, View } from './coordinator.js';
import { git, tryGit } from './git.js';
import { prepareLanding } from './land.js';
import { Mutex, sleep } from './mutex.js';
import { conflictNote, redNote } from './retry-notes.js';
import type { StepOutcome } from './types.js';
import { prepareWorktree, removeWorktree } from './worktrees.js';

/** Runs the agent + test loop for a step in `dir` without committing (run's executeStep). */
export type ExecuteFn = (o: {
  dir: string;
  step: PlanStep;
  /** Steps done on the base the worktree was cut from. */
  done: number[];
  /** Why the step is redone (a conflict or red tests on a new base), appended to its prompt. */
  note?: string;
  signal: AbortSignal;
}) => Promise<{ ok: boolean; attempts: number; reason?: string; cost: number }>;

/** Runs the test command in `dir`. */
export type TestFn = (dir: string, signal: AbortSignal) => Promise<{ ok: boolean; output: string }>;

export interface EngineOptions {
  plan: Plan;
  repoRoot: string;
  planId: string;
  /** todo.md relative to the repository root. */
  todoPath?: string;
  coordinator: Coordinator;
  execute: ExecuteFn;
  test: TestFn;
  parallel: number;
  maxRebases: number;
  /** Steps this run should finish (default: all). */
  targets: Set<number>;
  maxCost?: number;
  /** Commit-message body of landed steps (who landed them). */
  landedBy: string;
  say: (text: string) => void;
}

export interface EngineResult {
  outcomes: StepOutcome[];
  view: View;
  cost: number;
  stoppedForCost: boolean;
}

/**
 * The scheduler shared by `--parallel` and `--team`: start ready steps (up to `parallel`
 * at once) in their own worktrees, and land each green one through a single integration
 * queue — rebase onto the tip, retest, publish fast-forward, tick todo.md in that commit.
 * A conflict or a red rebase sends the step back to the executor on the new base, a
 * bounded number of times. A failed step blocks only the steps that depend on it.
 */
export async function runEngine(ctx: Context, o: EngineOptions): Promise<EngineResult> {
  const coord = o.coordinator;
  const queue = new Mutex();
  const running = new Map<number, Promise<void>>();
  const failed = new Set<number>();
  const outcomes: StepOutcome[] = [];
  let cost = 0;
  let stoppedForCost = false;
  let view = await coord.refresh();
  const byNumber = new Map(o.plan.steps.map((s) => [s.number, s]));

  const landedSince = (base: string, tip: string) => stepsBetween(o.repoRoot, base, tip);

  async function work(n: number, base: View): Promise<StepOutcome> {
    const step = byNumber.get(n) as PlanStep;
    const started = Date.now();
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let lost: string | undefined;
    const stopHold = coord.hold(n, (why) => {
      lost = why;
      ac.abort();
    });
    let attempts = 0;
    let rebases = 0;
    const outcome = (status: StepOutcome['status'], extra: Partial<StepOutcome> = {}): StepOutcome => ({
      step: n,
      status,
      attempts,
      rebases,
      durationMs: Date.now() - started,
      ...extra,
    });
    const runExecutor = async (dir: string, done: number[], note?: string) => {
      const r = await o.execute({ dir, step, done, note, signal: ac.signal });
      attempts += r.attempts;
      cost += r.cost;
      if (ac.signal.aborted) throw new InterruptedError(lost ?? 'interrupted');
      return r;
    };
    try {
      const wt = await prepareWorktree(o.repoRoot, { planId: o.planId, step: n, base: base.tip });
      for (const note of wt.notes) o.say(note);
      let tip = base.tip;
      if (!wt.resumed) {
        o.say(`step ${n}: started — ${step.title}`);
        const r = await runExecutor(wt.dir, [...base.done]);
        if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the executor did not get the tests green' });
        await commitWork(wt.dir, n);
      }
      for (;;) {
        const res = await queue.run(async () => {
          for (let race = 0; ; race++) {
            tip = await coord.currentTip();
            const prep = await prepareLanding({
              repoRoot: o.repoRoot,
              dir: wt.dir,
              step: { number: n, title: step.title },
              planId: o.planId,
              tip,
              todoPath: o.todoPath,
              mode: 'squash',
              body: o.landedBy,
              test: (dir) => o.test(dir, ac.signal),
            });
            if (prep.kind !== 'ready') return prep;
            if (await coord.publish(prep.commit, tip)) return { kind: 'landed' as const, commit: prep.commit };
            if (race >= 20) throw new WorkError(`step ${n}: lost the race to ${coord.branch} 20 times in a row`);
            o.say(`step ${n}: ${coord.branch} moved while landing; rebasing onto the new tip`);
          }
        });
        if (res.kind === 'landed') {
          await git(wt.dir, ['update-ref', `refs/heads/${wt.branch}`, res.commit]);
          const kept = await removeWorktree(o.repoRoot, { planId: o.planId, step: n, landedOn: res.commit });
          if (kept) o.say(`step ${n}: ${kept}`);
          o.say(`step ${n}: landed ${res.commit.slice(0, 7)} on ${coord.branch}`);
          return outcome('landed', { commit: res.commit });
        }
        if (res.kind === 'already') {
          o.say(`step ${n}: already integrated by ${res.author} (${res.commit.slice(0, 7)}); dropping this copy`);
          const kept = await removeWorktree(o.repoRoot, { planId: o.planId, step: n });
          if (kept) o.say(`step ${n}: ${kept}`);
          return outcome('skipped', { commit: res.commit, reason: `already integrated by ${res.author}` });
        }
        rebases += 1;
        const landed = (await landedSince(wt.base, tip)).map((s) => `step ${s}`);
        if (rebases > o.maxRebases)
          return outcome('failed', {
            reason: `still ${res.kind === 'conflict' ? 'conflicting' : 'red'} after ${o.maxRebases} retries on a new base`,
          });
        let note: string;
        if (res.kind === 'conflict') {
          o.say(`step ${n}: conflicts with newer work in ${res.files.join(', ')}; retrying on the new base (${rebases}/${o.maxRebases})`);
          await git(wt.dir, ['reset', '-q', '--hard', tip]);
          note = conflictNote({ ...res, landed });
        } else {
          o.say(`step ${n}: tests red after rebasing onto the new base; retrying (${rebases}/${o.maxRebases})`);
          note = redNote({ output: res.output, landed });
        }
        const doneNow = [...(await coord.refresh()).done];
        const r = await runExecutor(wt.dir, doneNow, note);
        if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the retry on the new base failed' });
        await commitWork(wt.dir, n);
      }
    } catch (err) {
      if (lost) return outcome('skipped', { reason: lost });
      throw err;
    } finally {
      stopHold();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  const start = (n: number, base: View) => {
    const p = work(n, base)
      .then(
        (out) => {
          outcomes.push(out);
          if (out.status === 'failed') {
            failed.add(n);
            o.say(`step ${n}: failed — ${out.reason}; its worktree is kept for a look`);
          }
        },
        (err) => {
          failed.add(n);
          outcomes.push({ step: n, status: 'failed', attempts: 0, rebases: 0, durationMs: 0, reason: String((err as Error).message ?? err) });
          if (!(err instanceof InterruptedError)) o.say(`step ${n}: error — ${(err as Error).message}`);
        },
      )
      .finally(async () => {
        await coord.release(n).catch((e) => o.say(`step ${n}: could not release the claim: ${(e as Error).message}`));
        running.delete(n);
      });
    running.set(n, p);
  };

  for (;;) {
    if (ctx.signal.aborted) break;
    const remaining = [...o.targets].filter((n) => !view.done.has(n));
    if (remaining.length === 0 && running.size === 0) break;
    const ready = readySteps(o.plan, view.done).filter(
      (n) => o.targets.has(n) && !running.has(n) && !failed.has(n) && !view.heldByOthers.has(n),
    );
    let contended = false; // a teammate claimed a step between our look and our claim
    for (const n of ready) {
      if (running.size >= o.parallel) break;
      if (o.maxCost !== undefined && cost >= o.maxCost) {
        stoppedForCost = true;
        break;
      }
      if (await coord.acquire(n)) start(n, view);
      else contended = true;
    }
    if (running.size === 0) {
      const othersWorking = contended || remaining.some((n) => view.heldByOthers.has(n));
      if (!othersWorking || stoppedForCost) break;
      await sleep(coord.pollMs, ctx.signal);
    } else {
      await Promise.race([...running.values(), ...(coord.mode === 'team' ? [sleep(coord.pollMs, ctx.signal)] : [])]);
    }
    view = await coord.refresh();
  }
  await Promise.allSettled([...running.values()]);
  view = await coord.refresh();
  if (ctx.signal.aborted) throw new InterruptedError('interrupted: unfinished steps keep their worktrees and resume on the next run');
  return { outcomes, view, cost, stoppedForCost };
}

/** Commit the executor's changes in the worktree (the tick and trailers come at landing). */
async function commitWork(dir: string, n: number): Promise<void> {
  await git(dir, ['add', '--all', '--', ':/', ':(exclude,top).specloop']);
  const staged = await tryGit(dir, ['diff', '--cached', '--quiet']);
  if (staged.ok) return;
  await git(dir, ['commit', '-q', '--no-verify', '-m', `specloop: work on step ${n} (not landed yet)`]);
}

/** Step numbers whose trailers appear on `tip` but not on `base`. */
async function stepsBetween(repo: string, base: string, tip: string): Promise<number[]> {
  const out = await git(repo, ['log', '--format=%(trailers:key=Specloop-Step,valueonly,separator=%x2C)', `${base}..${tip}`]);
  return out
    .split(/[\n,]/)
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
