import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';

/**
 * `.specloop/run.json`: a journal of what the step loop was doing, for the progress
 * summary and for crash recovery hints. It is NEVER the source of truth for what is done
 * (that is git: commits with `Specloop-Step`); losing or corrupting it costs nothing but
 * the "which step was in flight" hint.
 */
/**
 * executing: the executor is (or was, if we crashed) at work — leftovers are partial;
 * checking: the executor returned, our checks run — leftovers are a whole attempt;
 * committing: the checks passed; failed: attempts exhausted, work left for the user.
 */
export type Phase = 'executing' | 'checking' | 'committing' | 'failed';

export interface ActiveStep {
  step: number;
  phase: Phase;
  attempt: number;
  startedAt: string;
  reason?: string;
}

export interface HistoryEntry {
  step: number;
  ok: boolean;
  attempts: number;
  commit?: string;
  reason?: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  sessionIds: string[];
  at: string;
}

export interface PlanJournal {
  branch?: string;
  active?: ActiveStep;
  history: HistoryEntry[];
}

export interface Journal {
  version: 1;
  plans: Record<string, PlanJournal>;
}

const MAX_HISTORY = 200;

export const journalPath = (repoRoot: string) => join(repoRoot, '.specloop', 'run.json');

/** Read the journal; a missing or unreadable one is simply empty. */
export async function readJournal(repoRoot: string): Promise<Journal> {
  try {
    const j = JSON.parse(await readFile(journalPath(repoRoot), 'utf8')) as Journal;
    if (j?.version === 1 && j.plans && typeof j.plans === 'object') return j;
  } catch {}
  return { version: 1, plans: {} };
}

/** The journal entry of one plan (created empty). */
export function planJournal(j: Journal, planId: string): PlanJournal {
  j.plans[planId] ??= { history: [] };
  const p = j.plans[planId] as PlanJournal;
  p.history ??= [];
  return p;
}

/**
 * Keeps the run's machine state out of `git status` (and so out of the user's next
 * `git add -A`) without touching their own .gitignore: a self-ignoring .specloop/.gitignore.
 * Project templates in .specloop/templates/ stay visible and committable.
 */
const GITIGNORE = `# specloop machine state (specloop run); safe to delete
/.gitignore
/run.json
/.run.json.*
/aider/
/worktrees/
`;

export async function writeJournal(repoRoot: string, j: Journal): Promise<void> {
  const ignore = join(repoRoot, '.specloop', '.gitignore');
  if (!existsSync(ignore)) await atomicWrite(ignore, GITIGNORE);
  for (const p of Object.values(j.plans))
    if (p.history.length > MAX_HISTORY) p.history = p.history.slice(-MAX_HISTORY);
  await atomicWrite(journalPath(repoRoot), `${JSON.stringify(j, null, 2)}\n`);
}
