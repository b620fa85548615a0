import { createHash } from 'node:crypto';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { GeneratedPlan } from './generate.js';
import { parsePlan } from './parse-plan.js';
import { parseTodo } from './parse-todo.js';

/**
 * The model's answers for a plan that is not written yet, kept in `.specloop/plan-drafts/`
 * (a self-ignoring directory): a `plan` that fails to write its files (a full disk) leaves
 * the draft behind, and the next `plan` for the same spec, settings and files reuses it
 * instead of paying for the same model calls again. Removed once both files are written.
 */
export const DRAFT_DIR = join('.specloop', 'plan-drafts');

/** What makes a draft reusable: the same spec text, options and output files. */
export interface DraftKey {
  spec: string;
  tdd: boolean;
  model?: string;
  /** The configured models (a changed config means a different answer). */
  models: unknown;
  planFile: string;
  todoFile: string;
}

interface StoredDraft {
  key: string;
  planText: string;
  todoText: string;
  todoFromPlan: boolean;
  totals: GeneratedPlan['totals'];
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** One draft file per pair of output files: a newer draft for them replaces an older one. */
export function draftPath(root: string, k: Pick<DraftKey, 'planFile' | 'todoFile'>): string {
  return join(root, DRAFT_DIR, `${hash([k.planFile, k.todoFile]).slice(0, 16)}.json`);
}

/** The saved draft for exactly this key, parsed back; undefined when none (or unreadable). */
export async function loadDraft(root: string, k: DraftKey): Promise<GeneratedPlan | undefined> {
  const text = await readFile(draftPath(root, k), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const d = JSON.parse(text) as StoredDraft;
    if (d.key !== hash(k) || typeof d.planText !== 'string' || typeof d.todoText !== 'string')
      return undefined;
    return {
      planText: d.planText,
      todoText: d.todoText,
      plan: parsePlan(d.planText, { file: k.planFile }),
      todo: parseTodo(d.todoText),
      todoFromPlan: Boolean(d.todoFromPlan),
      totals: d.totals,
    };
  } catch {
    return undefined; // a torn or foreign file is no draft: plan afresh
  }
}

/** Keep the model's answers before any user file is written (0600: they hold the spec). */
export async function saveDraft(root: string, k: DraftKey, g: GeneratedPlan): Promise<string> {
  const file = draftPath(root, k);
  const dir = join(root, DRAFT_DIR);
  await atomicWrite(join(dir, '.gitignore'), '# specloop: plan drafts not written yet; safe to delete\n*\n');
  const d: StoredDraft = {
    key: hash(k),
    planText: g.planText,
    todoText: g.todoText,
    todoFromPlan: g.todoFromPlan,
    totals: g.totals,
  };
  await atomicWrite(file, `${JSON.stringify(d)}\n`, { mode: 0o600 });
  return file;
}

/** Both files are written: the draft has served. A successful `plan` leaves no trace here. */
export async function dropDraft(root: string, k: DraftKey): Promise<void> {
  await rm(draftPath(root, k), { force: true });
  const dir = join(root, DRAFT_DIR);
  const left = await readdir(dir).catch(() => [] as string[]);
  if (left.every((n) => n === '.gitignore')) await rm(dir, { recursive: true, force: true });
  await rmdir(join(root, '.specloop')).catch(() => undefined); // only when empty
}
