import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { FaultHooks } from '../context.js';
import { guardWrite } from './write-guard.js';

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
  /** HEAD when the step started: commits after it that specloop did not make are the step's work. */
  base?: string;
  reason?: string;
  /** Reasons of the step's rejected attempts so far (kept across a crash). */
  reasons?: string[];
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

const PHASES = new Set<string>(['executing', 'checking', 'committing', 'failed']);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStep = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** One plan's entry, with anything malformed dropped (a hand-edited or torn journal). */
function cleanPlan(v: unknown): PlanJournal {
  const p = isObject(v) ? v : {};
  const history = Array.isArray(p.history)
    ? (p.history.filter((h) => isObject(h) && isStep(h.step)) as unknown as HistoryEntry[])
    : [];
  const a = p.active;
  const active =
    isObject(a) && isStep(a.step) && PHASES.has(String(a.phase))
      ? ({ attempt: 1, startedAt: '', ...a } as unknown as ActiveStep)
      : undefined;
  return { branch: typeof p.branch === 'string' ? p.branch : undefined, active, history };
}

/**
 * Read the journal. Missing, unreadable, garbled (`"history": {}`, not JSON, a directory
 * where the file should be) — all read as empty or cleaned: the journal is a hint, git is
 * the truth (prepare-run.ts rebuilds what matters from the commits and the tree).
 */
export async function readJournal(repoRoot: string): Promise<Journal> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(journalPath(repoRoot), 'utf8'));
  } catch {
    return { version: 1, plans: {} };
  }
  const plans: Record<string, PlanJournal> = {};
  if (isObject(raw) && raw.version === 1 && isObject(raw.plans))
    for (const [id, p] of Object.entries(raw.plans)) plans[id] = cleanPlan(p);
  return { version: 1, plans };
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
/recovered/
/run.lock
`;

export async function writeJournal(repoRoot: string, j: Journal, faults?: FaultHooks): Promise<void> {
  const ignore = join(repoRoot, '.specloop', '.gitignore');
  // Ours (by its header) but older: rewrite, so new machine files (run.lock) stay ignored too.
  const current = existsSync(ignore) ? await readFile(ignore, 'utf8').catch(() => '') : undefined;
  if (current === undefined || (current !== GITIGNORE && current.startsWith('# specloop machine state')))
    await guardWrite(ignore, () => atomicWrite(ignore, GITIGNORE));
  for (const p of Object.values(j.plans))
    if (p.history.length > MAX_HISTORY) p.history = p.history.slice(-MAX_HISTORY);
  const file = journalPath(repoRoot);
  // A directory where run.json belongs (a hand mistake) holds nothing of ours: replace it.
  if ((await stat(file).catch(() => undefined))?.isDirectory())
    await rm(file, { recursive: true, force: true });
  await guardWrite(file, () => atomicWrite(file, `${JSON.stringify(j, null, 2)}\n`), faults);
}
