import { git } from './git.js';

/** A step found done on a branch: the commit carrying its `Specloop-Step` trailer. */
export interface DoneStep {
  step: number;
  commit: string;
  author: string;
  date: string;
}

export const STEP_TRAILER = 'Specloop-Step';
export const PLAN_TRAILER = 'Specloop-Plan';

const SEP = '\x1f';
const REC = '\x1e';

/**
 * Every `Specloop-Step: N` commit of plan `planId` reachable from `rev`, oldest first
 * (a commit counts for the plan its `Specloop-Plan` trailer names, as in the single-player run).
 */
export async function stepCommits(repo: string, rev: string, planId?: string): Promise<DoneStep[]> {
  const fmt = [
    '%H',
    '%an',
    '%aI',
    `%(trailers:key=${STEP_TRAILER},valueonly,separator=%x2C)`,
    `%(trailers:key=${PLAN_TRAILER},valueonly,separator=%x2C)`,
  ].join('%x1f');
  const out = await git(repo, [
    'log',
    '--reverse',
    `--grep=^${STEP_TRAILER}:`,
    `--format=${fmt}%x1e`,
    rev,
    '--',
  ]);
  const found: DoneStep[] = [];
  for (const rec of out.split(REC)) {
    const [commit, author, date, steps, plans] = rec.replace(/^\n/, '').split(SEP);
    if (!commit || !steps?.trim()) continue;
    const planNames = (plans ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (planId && !planNames.includes(planId)) continue;
    for (const s of steps.split(',')) {
      const step = Number(s.trim());
      if (Number.isInteger(step) && step > 0)
        found.push({ step, commit, author: author ?? '', date: date ?? '' });
    }
  }
  return found;
}

/** Steps done on `rev` (first landing wins), keyed by step number. */
export async function doneSteps(repo: string, rev: string, planId?: string): Promise<Map<number, DoneStep>> {
  const done = new Map<number, DoneStep>();
  for (const d of await stepCommits(repo, rev, planId)) if (!done.has(d.step)) done.set(d.step, d);
  return done;
}
