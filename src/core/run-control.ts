import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../util/atomic-write.js';
import type { BetweenStepsHook } from './run/seams.js';

/**
 * Pause / resume of a running `specloop run`, through a control file in the repository:
 * `.specloop/control/run.json`. Whoever wants the run to pause (the board, a script) writes
 * it; the run checks it BETWEEN steps only (never mid-step, so a pause can never leave a
 * half-landed step) and waits while it says paused. The folder ignores itself, so the file
 * never shows in `git status` and never lands in a step commit.
 */
export interface RunControl {
  paused: boolean;
  /** Who asked (`board`, a user name). */
  by?: string;
  /** ISO time of the request. */
  at?: string;
}

const DIR = join('.specloop', 'control');

export const runControlPath = (repoRoot: string) => join(repoRoot, DIR, 'run.json');

/** The current request; a missing or unreadable file means "not paused". */
export async function readRunControl(repoRoot: string): Promise<RunControl> {
  try {
    const c = JSON.parse(await readFile(runControlPath(repoRoot), 'utf8')) as RunControl;
    return { paused: c.paused === true, by: c.by, at: c.at };
  } catch {
    return { paused: false };
  }
}

/** Ask the run in `repoRoot` to pause before its next step. */
export async function pauseRun(repoRoot: string, o: { by?: string; now?: number } = {}): Promise<RunControl> {
  const ignore = join(repoRoot, DIR, '.gitignore');
  if (!existsSync(ignore))
    await atomicWrite(ignore, '# specloop run control (pause/resume); safe to delete\n*\n');
  const c: RunControl = { paused: true, by: o.by, at: new Date(o.now ?? Date.now()).toISOString() };
  await atomicWrite(runControlPath(repoRoot), `${JSON.stringify(c)}\n`);
  return c;
}

/** Let a paused run go on. */
export async function resumeRun(repoRoot: string): Promise<RunControl> {
  rmSync(runControlPath(repoRoot), { force: true });
  return { paused: false };
}

/**
 * The between-steps seam: resolves at once when not paused, else polls until resumed or
 * `signal` aborts. `onPause` is called once when the wait starts (for a progress line).
 */
export async function waitWhilePaused(
  repoRoot: string,
  o: { signal?: AbortSignal; pollMs?: number; onPause?: (c: RunControl) => void } = {},
): Promise<void> {
  let c = await readRunControl(repoRoot);
  if (!c.paused) return;
  o.onPause?.(c);
  while (c.paused && !o.signal?.aborted) {
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
    c = await readRunControl(repoRoot);
  }
}

/**
 * The run core's between-steps hook for pause / resume: while the control file says
 * paused, the run waits (and asks again) before starting its next step.
 */
export function pauseHook(pollMs = 500): BetweenStepsHook {
  let announced = false;
  return {
    name: 'pause',
    async beforeNextStep(_ctx, e) {
      const c = e.next === undefined ? { paused: false } : await readRunControl(e.repo);
      if (!c.paused) {
        announced = false;
        return { action: 'continue' };
      }
      // The reason is printed once per pause, not on every poll.
      const reason = announced
        ? undefined
        : `paused${c.by ? ` by ${c.by}` : ''} before step ${e.next}: resume on \`specloop board\`, or delete .specloop/control/run.json`;
      announced = true;
      return { action: 'wait', ms: pollMs, reason };
    },
  };
}
