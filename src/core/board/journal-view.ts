import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The part of `.specloop/run.json` (the run's journal) the board reads: which step is in
 * flight and in what phase, and the per-step history (attempts, tokens, cost, reason).
 * Read as data: an absent or unreadable journal is an empty one, never an error.
 */
export interface JournalActive {
  step: number;
  phase: string;
  attempt: number;
  startedAt: string;
  reason?: string;
}

export interface JournalEntry {
  step: number;
  ok: boolean;
  attempts: number;
  commit?: string;
  reason?: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  at: string;
}

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
