import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActiveStep, HistoryEntry } from '../run/journal.js';

/**
 * The part of `.specloop/run.json` (the run's journal) the board reads: which step is in
 * flight and in what phase, and the per-step history (attempts, tokens, cost, reason).
 * Read as data: an absent or unreadable journal is an empty one, never an error.
 */
/** The journal's own record types (run/journal.ts), read here as data. */
/** `phase` as a string: a newer run may write phases this board does not know (e.g. review). */
export type JournalActive = Omit<ActiveStep, 'phase'> & { phase: string };
export type JournalEntry = HistoryEntry;

export interface JournalView {
  branch?: string;
  active?: JournalActive;
  history: JournalEntry[];
}

export const journalFile = (repoRoot: string) => join(repoRoot, '.specloop', 'run.json');

export async function readJournalView(repoRoot: string, planId: string): Promise<JournalView> {
  try {
    const j = JSON.parse(await readFile(journalFile(repoRoot), 'utf8'));
    const p = j?.plans?.[planId];
    if (!p || typeof p !== 'object') return { history: [] };
    return {
      branch: typeof p.branch === 'string' ? p.branch : undefined,
      active: p.active && typeof p.active.step === 'number' ? p.active : undefined,
      history: Array.isArray(p.history)
        ? p.history.filter((h: JournalEntry) => typeof h?.step === 'number')
        : [],
    };
  } catch {
    return { history: [] };
  }
}

/**
 * Whether a `specloop run` is alive in this repository, from its lock `.specloop/run.lock`
 * (read as data): false without a lock or when its process is gone; undefined when the
 * lock names another host (a shared folder: cannot tell, so trust the journal). `pid` is
 * the live run's process: its run records are in `.specloop/runs/<time>-<pid>/`.
 */
export async function liveRun(repoRoot: string, host: string): Promise<{ alive?: boolean; pid?: number }> {
  let lock: { pid?: unknown; host?: unknown };
  try {
    lock = JSON.parse(await readFile(join(repoRoot, '.specloop', 'run.lock'), 'utf8'));
  } catch {
    return { alive: false };
  }
  if (typeof lock.pid !== 'number') return { alive: false };
  if (typeof lock.host === 'string' && lock.host && lock.host !== host) return { alive: undefined };
  try {
    process.kill(lock.pid, 0);
    return { alive: true, pid: lock.pid };
  } catch (err) {
    const alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    return alive ? { alive, pid: lock.pid } : { alive };
  }
}

/**
 * Steps of `planId` with a worktree in `.specloop/worktrees/<planId>/<step>` — where a
 * `--parallel` or `--team` run works on a step (read as data: the directory names only).
 */
export function worktreeSteps(repoRoot: string, planId: string): number[] {
  try {
    return readdirSync(join(repoRoot, '.specloop', 'worktrees', planId))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}
