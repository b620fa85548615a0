import { InterruptedError, WorkError } from '../errors.js';
import type { PlanStep } from '../plan/index.js';
import type { View } from './coordinator.js';
import type { EngineOptions } from './engine.js';
import { git, tryGit } from './git.js';
import { prepareLanding } from './land.js';
import type { Mutex } from './mutex.js';
import { conflictNote, redNote, type TemplateRoots } from './retry-notes.js';
import type { StepOutcome } from './types.js';
import { prepareWorktree, removeWorktree } from './worktrees.js';

/** What the step tasks of one run share. */
export interface TaskShared {
  o: EngineOptions;
  /** The integration queue: one landing at a time. */
  queue: Mutex;
  /** Aborted on Ctrl-C or when the run gives up: stop at the next safe point. */
  signal: AbortSignal;
  addCost(usd: number): void;
  /** Where the retry-note templates are looked up (project > global > built-in). */
  templates: TemplateRoots;
  /** Ignored root directories (node_modules …) each worktree links to the main checkout's. */
  linkIgnored: readonly string[];
}

/**
 * One step, start to finish: a worktree cut from `base`, the executor, then the integration
 * queue — and back to the executor on the new base after a conflict or a red rebase (at
 * most `maxRebases` times). The claim is held (lease renewed) throughout; losing it stops
 * the step. Returns how it ended; the worktree of a failed step is kept for a look.
 */
export async function runStepTask(sh: TaskShared, step: PlanStep, base: View): Promise<StepOutcome> {
  const { o } = sh;
  const coord = o.coordinator;
  const n = step.number;
  const started = Date.now();
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  sh.signal.addEventListener('abort', onAbort, { once: true });
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
    sh.addCost(r.cost);
    if (ac.signal.aborted) throw new InterruptedError(lost ?? 'interrupted');
    return r;
  };
  try {
    const wt = await prepareWorktree(o.repoRoot, {
      planId: o.planId,
      step: n,
      base: base.tip,
      link: sh.linkIgnored,
    });
    for (const note of wt.notes) o.say(note);
    let tip = base.tip;
    if (!wt.resumed) {
      o.say(`step ${n}: started — ${step.title}`);
      const r = await runExecutor(wt.dir, [...base.done]);
      if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the executor did not get the tests green' });
      await commitWork(wt.dir, n, o.todoPath);
    }
    for (;;) {
      const res = await sh.queue.run(async () => {
        for (let race = 0; ; race++) {
          tip = await coord.currentTip();
          const prep = await prepareLanding({
            repoRoot: o.repoRoot,
            dir: wt.dir,
            step: { number: n, title: step.title, context: step.context },
            planId: o.planId,
            tip,
            todoPath: o.todoPath,
            mode: 'squash',
            body: o.landedBy,
            test: (dir) => o.test(dir, ac.signal),
          });
          if (prep.kind !== 'ready') return prep;
          if (await coord.publish(prep.commit, tip)) return { kind: 'landed' as const, commit: prep.commit };
          if (race >= 20)
            throw new WorkError(`step ${n}: lost the race to ${coord.branch} 20 times in a row`);
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
        o.say(
          `step ${n}: already integrated by ${res.author} (${res.commit.slice(0, 7)}); dropping this copy`,
        );
        const kept = await removeWorktree(o.repoRoot, { planId: o.planId, step: n });
        if (kept) o.say(`step ${n}: ${kept}`);
        return outcome('skipped', { commit: res.commit, reason: `already integrated by ${res.author}` });
      }
      rebases += 1;
      const landed = (await stepsBetween(o.repoRoot, wt.base, tip)).map((s) => `step ${s}`);
      if (rebases > o.maxRebases)
        return outcome('failed', {
          reason: `still ${res.kind === 'conflict' ? 'conflicting' : 'red'} after ${o.maxRebases} retries on a new base`,
        });
      let note: string;
      if (res.kind === 'conflict') {
        o.say(
          `step ${n}: conflicts with newer work in ${res.files.join(', ')}; retrying on the new base (${rebases}/${o.maxRebases})`,
        );
        await git(wt.dir, ['reset', '-q', '--hard', tip]);
        note = await conflictNote(sh.templates, { ...res, landed });
      } else {
        o.say(`step ${n}: tests red after rebasing onto the new base; retrying (${rebases}/${o.maxRebases})`);
        note = await redNote(sh.templates, { output: res.output, landed });
      }
      const doneNow = [...(await coord.refresh()).done];
      const r = await runExecutor(wt.dir, doneNow, note);
      if (!r.ok) return outcome('failed', { reason: r.reason ?? 'the retry on the new base failed' });
      await commitWork(wt.dir, n, o.todoPath);
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
 */
async function commitWork(dir: string, n: number, todoPath?: string): Promise<void> {
  if (todoPath && (await tryGit(dir, ['cat-file', '-e', `HEAD:${todoPath}`])).ok)
    await git(dir, ['checkout', '-q', 'HEAD', '--', todoPath]);
  await git(dir, ['add', '--all', '--', ':/', ':(exclude,top).specloop']);
  const staged = await tryGit(dir, ['diff', '--cached', '--quiet']);
  if (staged.ok) return;
  await git(dir, ['commit', '-q', '--no-verify', '-m', `specloop: work on step ${n} (not landed yet)`]);
}

/** Step numbers whose trailers appear on `tip` but not on `base`. */
async function stepsBetween(repo: string, base: string, tip: string): Promise<number[]> {
  const out = await git(repo, [
    'log',
    '--format=%(trailers:key=Specloop-Step,valueonly,separator=%x2C)',
    `${base}..${tip}`,
  ]);
  return out
    .split(/[\n,]/)
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
