import type { Context } from '../context.js';
import { integrityHooks } from '../integrity/run-hook.js';
import { pauseHook } from '../run-control.js';
import { planEditsHook } from './plan-edits.js';
import { runRecordObserver } from './record-observer.js';
import type { AttemptObserver, RunHooks } from './seams.js';
import type { RunSettings } from './settings.js';

/**
 * The hooks every run gets. Features add theirs here, one line each (run records, the
 * integrity policy, the review gate, pause/resume), so the step loop itself never changes.
 */
export function defaultRunHooks(ctx: Context, s: RunSettings): RunHooks {
  return mergeHooks(integrityHooks(ctx, s), {
    attempts: [runRecordObserver(ctx, { executor: s.executor })],
    betweenSteps: [pauseHook(), planEditsHook(s)],
  });
}

/** Merge hook sets (defaults first, then a caller's extras, e.g. a test's). */
export function mergeHooks(...sets: Array<Partial<RunHooks> | undefined>): RunHooks {
  return {
    preLand: sets.flatMap((s) => s?.preLand ?? []),
    attempts: sets.flatMap((s) => s?.attempts ?? []),
    betweenSteps: sets.flatMap((s) => s?.betweenSteps ?? []),
  };
}

/**
 * Tell every observer; an observer's failure is reported through `note` and never stops
 * the run (a full disk for run records must not lose a green step).
 */
export async function notifyAttempt<K extends keyof AttemptObserver>(
  hooks: RunHooks,
  event: K,
  payload: Parameters<NonNullable<AttemptObserver[K]>>[0],
  note: (text: string) => void,
): Promise<void> {
  for (const o of hooks.attempts) {
    const fn = o[event] as ((p: typeof payload) => void | Promise<void>) | undefined;
    if (!fn) continue;
    try {
      await fn.call(o, payload);
    } catch (err) {
      note(`${String(event)} observer failed: ${(err as Error).message}`);
    }
  }
}

/** A run id: sortable by start time, unique per process. */
export function newRunId(ctx: Pick<Context, 'clock'>): string {
  const t = new Date(ctx.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${t}-${process.pid}`;
}
