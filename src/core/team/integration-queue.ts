import { WorkError } from '../errors.js';
import type { Prepared } from './integration-commit.js';

/**
 * How often one landing may lose the race to the integration branch before it gives up.
 * Every lost race means someone else's step landed — the run as a whole progresses — so the
 * bound only stops a broken remote (accepts the fetch, refuses every push) from looping forever.
 */
export const MAX_RACES = 20;

export type QueueResult =
  | { kind: 'landed'; commit: string; head: string; tip: string }
  | (Exclude<Prepared, { kind: 'ready' }> & { tip: string });

/** A value settled once, from outside. */
interface Latch<T> {
  promise: Promise<T>;
  settle(v: T): void;
}
function latch<T>(): Latch<T> {
  let settle!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    settle = r;
  });
  return { promise, settle };
}

/** One landing's place in the queue. */
interface Slot {
  /** The first commit it built (possibly not published yet), or undefined when it built none. */
  built: Latch<string | undefined>;
  /** The commit it published, or undefined when it published none; settles when it is through. */
  done: Latch<string | undefined>;
  /** Set when it is through (no speculation on a landing that is over). */
  through: boolean;
}

/**
 * The integration queue of one process: landings publish one at a time, in the order they
 * joined, each on the tip it was tested on. A landing does not wait idle for the one ahead:
 * it prepares (rebases, tests, builds) on the commit that one has just built, beside that
 * one's tests and publish — a speculation checked before it publishes (the one ahead must
 * have published exactly that commit; otherwise the preparation is undone and made again
 * on the real tip). Test runs of a chain of landings overlap instead of adding up.
 */
export class IntegrationQueue {
  private tail: Slot | undefined;

  /** Join at the end: the landing ahead (if any) and this landing's own slot. */
  join(): { ahead?: Slot; me: Slot } {
    const me: Slot = { built: latch(), done: latch(), through: false };
    const ahead = this.tail;
    this.tail = me;
    return { ahead, me };
  }
}

/**
 * THE landing path of every step that is not committed in place (worktree steps of
 * --parallel and --team, and `specloop done`): take a tip — the commit the landing ahead
 * built, else the current tip once every landing ahead is through — rebase + test + build
 * the landing commit (`prepare`), and publish it as a fast-forward that expects that tip,
 * only after the landing ahead is through. A moved tip (a teammate landed first) is a lost
 * race: go again.
 */
export async function landThroughQueue(o: {
  queue: IntegrationQueue;
  currentTip(): Promise<string>;
  publish(commit: string, expectedTip: string): Promise<boolean>;
  /**
   * `built` is told the landing commit as soon as it exists (before its tests are through);
   * `speculative`: `tip` is a commit the landing ahead built but has not published yet.
   */
  prepare(tip: string, built: (commit: string) => void, speculative: boolean): Promise<Prepared>;
  /** Undo a speculative preparation whose tip was never published (the branch as it was before). */
  discard?(): Promise<void>;
  /** A speculative preparation's tip was published: it stands. */
  keep?(): Promise<void>;
  onLostRace(tip: string): void;
  /** Names the branch in the error after MAX_RACES. */
  branch: string;
  step: number;
}): Promise<QueueResult> {
  const { ahead, me } = o.queue.join();
  const built = (commit: string) => me.built.settle(commit);
  try {
    // Why waiting for `ahead.done` before every publish keeps the invariant: the one ahead
    // has then published (or given up), so the tip is what this landing expects or a
    // compare-and-swap refuses it; publishes never overtake each other.
    let speculative = ahead && !ahead.through ? await ahead.built.promise : undefined;
    if (ahead?.through) speculative = undefined; // over: its tip is the branch's now
    for (let race = 0; ; ) {
      if (speculative === undefined) await ahead?.done.promise;
      const tip = speculative ?? (await o.currentTip());
      const prep = await o.prepare(tip, built, speculative !== undefined);
      if (speculative !== undefined) {
        const published = await ahead?.done.promise;
        speculative = undefined;
        if (published !== tip) {
          // The landing ahead did not publish what this one was prepared on: not a lost
          // race (no teammate moved anything), just again, on the real tip.
          await o.discard?.();
          continue;
        }
        await o.keep?.();
      }
      if (prep.kind !== 'ready') return { ...prep, tip };
      if (await o.publish(prep.commit, tip)) {
        me.done.settle(prep.commit);
        return { kind: 'landed' as const, commit: prep.commit, head: prep.head, tip };
      }
      race += 1;
      if (race >= MAX_RACES)
        throw new WorkError(`step ${o.step}: lost the race to ${o.branch} ${MAX_RACES} times in a row`, {
          code: 'E_RACE',
          hint: 'the branch moves faster than a step can land, or the remote refuses pushes: look at it and try again',
        });
      o.onLostRace(tip);
    }
  } finally {
    me.through = true;
    me.built.settle(undefined);
    me.done.settle(undefined);
  }
}
