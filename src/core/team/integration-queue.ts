import { WorkError } from '../errors.js';
import type { Prepared } from './integration-commit.js';
import type { Mutex } from './mutex.js';

/**
 * How often one landing may lose the race to the integration branch before it gives up.
 * Every lost race means someone else's step landed — the run as a whole progresses — so the
 * bound only stops a broken remote (accepts the fetch, refuses every push) from looping forever.
 */
export const MAX_RACES = 20;

export type QueueResult =
  | { kind: 'landed'; commit: string; head: string; tip: string }
  | (Exclude<Prepared, { kind: 'ready' }> & { tip: string });

/**
 * THE landing path of every step that is not committed in place (worktree steps of
 * --parallel and --team, and `specloop done`): inside the queue — one landing at a time per
 * process, so two steps of this run never rebase onto the same tip — take the current tip,
 * rebase + test + build the landing commit (`prepare`), and publish it as a fast-forward that
 * expects that tip. A moved tip (a teammate landed first) is a lost race: go again.
 */
export function landThroughQueue(o: {
  queue: Mutex;
  currentTip(): Promise<string>;
  publish(commit: string, expectedTip: string): Promise<boolean>;
  prepare(tip: string): Promise<Prepared>;
  onLostRace(tip: string): void;
  /** Names the branch in the error after MAX_RACES. */
  branch: string;
  step: number;
}): Promise<QueueResult> {
  return o.queue.run(async () => {
    for (let race = 0; ; race++) {
      const tip = await o.currentTip();
      const prep = await o.prepare(tip);
      if (prep.kind !== 'ready') return { ...prep, tip };
      if (await o.publish(prep.commit, tip))
        return { kind: 'landed' as const, commit: prep.commit, head: prep.head, tip };
      if (race + 1 >= MAX_RACES)
        throw new WorkError(`step ${o.step}: lost the race to ${o.branch} ${MAX_RACES} times in a row`, {
          code: 'E_RACE',
          hint: 'the branch moves faster than a step can land, or the remote refuses pushes: look at it and try again',
        });
      o.onLostRace(tip);
    }
  });
}
