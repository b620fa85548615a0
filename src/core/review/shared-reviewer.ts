import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, isSpecloopError } from '../errors.js';
import {
  answerReview,
  clearReview,
  type PendingReview,
  type ReviewAnswer,
  readAnswer,
  reviewRoot,
  writePendingReview,
} from './review-files.js';
import type { ReviewDecision, Reviewer } from './types.js';

export interface SharedReviewerOptions {
  /** The main checkout: `.specloop/review/` lives there (also for worktree steps). */
  root: string;
  /** The person at the run's terminal, when there is one; asked one step at a time. */
  terminal?: Reviewer;
  now(): number;
  /** How often the answer file is looked for (ms). */
  pollMs?: number;
  /** A review is waiting (no terminal: tell the user where to answer). */
  onWaiting?(p: PendingReview): void;
  /** The answer came from elsewhere than the terminal (e.g. the board). */
  onAnswered?(a: ReviewAnswer, p: PendingReview): void;
}

/**
 * The reviewer of `run --review`: each question is written to `.specloop/review/` and
 * answered there, by whoever is first — the terminal prompt (when there is a terminal) or
 * `specloop board`. Both go through {@link answerReview}; the run takes the answer file, so
 * there is one truth. The terminal question is withdrawn when the board answered first.
 * Ctrl-C (the run's signal) withdraws the question: no pending record outlives the wait.
 */
export function sharedReviewer(o: SharedReviewerOptions): Reviewer {
  // The terminal asks one question at a time, and the next only once the previous review
  // has returned its decision (its notes print before the next question is drawn).
  let terminalSlot: Promise<unknown> = Promise.resolve();
  return async (summary, { signal }) => {
    const p = await writePendingReview(o.root, summary, { terminal: Boolean(o.terminal), now: o.now() });
    const moot = new AbortController();
    const onAbort = () => moot.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let wake = () => {};
    let finished = () => {};
    const done = new Promise<void>((r) => (finished = r));
    try {
      if (o.terminal) {
        const ask = o.terminal;
        const prev = terminalSlot;
        terminalSlot = Promise.all([prev, done]);
        void prev
          .then(async () => {
            // A macrotask: the previous step's own notes ("accepted in review") print first.
            await new Promise((r) => setImmediate(r));
            if (moot.signal.aborted) return;
            const d = await ask(summary, { signal: moot.signal });
            if (moot.signal.aborted) return;
            await answerReview({
              root: o.root,
              planId: p.planId,
              step: p.step,
              id: p.id,
              decision: d,
              by: 'terminal',
              now: o.now(),
            }).catch((err) => {
              // The board was faster: its answer stands, the terminal's is dropped.
              if (!isSpecloopError(err)) throw err;
            });
            wake();
          })
          .catch(() => {});
      } else o.onWaiting?.(p);
      const a = await waitForAnswer(o.root, p, {
        signal,
        pollMs: o.pollMs ?? 200,
        onWake: (fn) => (wake = fn),
      });
      moot.abort();
      if (a.by !== 'terminal') o.onAnswered?.(a, p);
      return { ...a.decision, by: a.by } as ReviewDecision;
    } finally {
      moot.abort();
      signal.removeEventListener('abort', onAbort);
      await clearReview(o.root, p.planId, p.step, p.id);
      finished();
    }
  };
}

/** Wait until the answer to question `p.id` is there; an answer to an older question is dropped. */
function waitForAnswer(
  root: string,
  p: PendingReview,
  o: { signal: AbortSignal; pollMs: number; onWake(fn: () => void): void },
): Promise<ReviewAnswer> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let busy = false;
    const stop = () => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      reject(new InterruptedError(`interrupted while step ${p.step} waited for review`));
    };
    const look = async () => {
      if (busy) return;
      busy = true;
      try {
        const a = await readAnswer(root, p.planId, p.step);
        if (a && a.id === p.id) {
          stop();
          return resolve(a);
        }
        if (a) await rm(join(reviewRoot(root), p.planId, `${p.step}.answer.json`), { force: true });
      } catch (err) {
        stop();
        return reject(err);
      } finally {
        busy = false;
      }
      if (!o.signal.aborted) timer = setTimeout(look, o.pollMs);
    };
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    o.onWake(() => {
      clearTimeout(timer);
      void look();
    });
    void look();
  });
}
