import { parseTodo } from '../plan/index.js';
import { type GitOptions, gitTry, type StepCommit, showFile, stepCommits } from './git.js';

/** True when todo text has at least one ticked step. */
export function hasTicks(todoText: string): boolean {
  return parseTodo(todoText).items.some((i) => i.done);
}

/** Step numbers ticked in todo text. */
export function tickedSteps(todoText: string): Set<number> {
  return new Set(
    parseTodo(todoText)
      .items.filter((i) => i.done)
      .map((i) => i.number),
  );
}

/** A ticked step item line, as `git grep -E` sees it (list marker, `[x]`, then "Step N"). */
const TICKED_LINE = '^[[:space:]]*([-*+]|[0-9]+[.)])[[:space:]]+\\[[xX]\\].*[Ss]tep[[:space:]]+[0-9]+';

/**
 * The steps of `planId` done on `ref` according to git: commits with `Specloop-Step: N`
 * and `Specloop-Plan: <planId>`, newest per step.
 *
 * A todo.md with no box ticked marks the start of a plan: trailer commits older than the
 * newest commit whose todo had nothing ticked belong to an earlier plan that used the same
 * file name, and do not count. (So a new `specloop plan` over a finished one starts from
 * step 1, while a todo that merely lost a tick is re-ticked from git.) A `workingTodo` with
 * nothing ticked that differs from the committed one is such a fresh start too.
 */
export async function trailerSteps(
  repoDir: string,
  o: GitOptions & { planId: string; todoRel: string; ref?: string; workingTodo?: string },
): Promise<Map<number, StepCommit>> {
  const ref = o.ref ?? 'HEAD';
  const all = await stepCommits(repoDir, { ...o, ref });
  if (all.size === 0) return all;
  if (o.workingTodo !== undefined && !hasTicks(o.workingTodo)) {
    const committed = await showFile(repoDir, ref, o.todoRel, o);
    if (committed !== o.workingTodo) return new Map();
  }
  const log = await gitTry(repoDir, ['log', '--format=%H', ref, '--', o.todoRel], o);
  const touching = log.stdout.split('\n').filter(Boolean);
  if (touching.length === 0) return all;
  const grep = await gitTry(repoDir, ['grep', '-c', '-E', TICKED_LINE, ...touching, '--', o.todoRel], o);
  const withTicks = new Set(grep.stdout.split('\n').map((l) => l.split(':')[0]));
  const reset = touching.find((c) => !withTicks.has(c));
  if (!reset) return all;
  const range = await gitTry(repoDir, ['rev-list', `${reset}..${ref}`], o);
  const after = new Set(range.stdout.split('\n').filter(Boolean));
  return new Map([...all].filter(([, c]) => after.has(c.commit)));
}
