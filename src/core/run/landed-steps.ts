import { type GitOptions, git, headCommit, showFile, tryGit } from '../git/index.js';
import { parseTodo } from '../plan/index.js';
import { PLAN_TRAILER, REVERT_TRAILER, STEP_TRAILER } from './trailers.js';

/**
 * THE definition of a landed step, used by `run` (solo, --parallel, --team), `status`,
 * `team status`, `undo` and the board. A step of plan P is landed on `ref` when:
 * 1. a commit reachable from `ref` carries `Specloop-Step: N` and `Specloop-Plan: P`;
 * 2. that commit was not reverted by a later commit reachable from `ref` — `git revert`
 *    ("This reverts commit <id>.") or specloop's own undo (`Specloop-Revert: <id>`); a
 *    revert of that revert lands it again;
 * 3. it is newer than the last commit whose todo file had no box ticked: a new plan written
 *    under the same file name starts at step 1 again (a todo that merely lost a tick is
 *    re-ticked from git instead).
 * When a step landed more than once (a duplicate after a lost claim), the first landing counts.
 */
export interface LandedStep {
  step: number;
  commit: string;
  subject: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
}

export interface LandedStepsOptions {
  /** Repository or worktree directory. */
  dir: string;
  planId: string;
  /** Default HEAD. */
  ref?: string;
  /** todo file (repo-relative) for rule 3; without it rule 3 is skipped (trailer-only plans). */
  todoRel?: string;
  /**
   * The todo text in the working tree: when it has nothing ticked and differs from the one
   * committed at `ref`, it is a fresh plan not committed yet, and nothing counts as landed.
   */
  workingTodo?: string;
}

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

const FIELD = '\x1f';
const RECORD = '\x1e';
const REVERTS = /This reverts commit ([0-9a-f]{7,40})/g;

interface LogEntry {
  commit: string;
  subject: string;
  author: string;
  date: string;
  steps: number[];
  plans: string[];
  reverts: string[];
}

/** Every step or revert commit in `range` (e.g. `[ref]`, `[^start, ref]`), oldest first. */
async function stepLog(o: GitOptions & { dir: string; range: string[] }): Promise<LogEntry[]> {
  const fmt = [
    '%H',
    '%s',
    '%an',
    '%aI',
    `%(trailers:key=${STEP_TRAILER},valueonly,separator=%x2C)`,
    `%(trailers:key=${PLAN_TRAILER},valueonly,separator=%x2C)`,
    `%(trailers:key=${REVERT_TRAILER},valueonly,separator=%x2C)`,
    '%b',
  ].join('%x1f');
  const out = await git(
    o.dir,
    [
      'log',
      '--reverse',
      `--format=${fmt}%x1e`,
      `--grep=^${STEP_TRAILER}:`,
      `--grep=^${REVERT_TRAILER}:`,
      '--grep=This reverts commit',
      ...o.range,
      '--',
    ],
    o,
  );
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const entries: LogEntry[] = [];
  for (const rec of out.split(RECORD)) {
    const [commit, subject, author, date, steps, plans, undo, body] = rec.replace(/^\n/, '').split(FIELD);
    if (!commit) continue;
    const reverts = new Set(list(undo));
    for (const m of (body ?? '').matchAll(REVERTS)) reverts.add(m[1] as string);
    entries.push({
      commit,
      subject: subject ?? '',
      author: author ?? '',
      date: date ?? '',
      steps: list(steps)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0),
      plans: list(plans),
      reverts: [...reverts],
    });
  }
  return entries;
}

/** The commit after which this plan's history starts (rule 3), or undefined for "from the beginning". */
async function planStart(
  o: GitOptions & { dir: string; ref: string; todoRel: string },
): Promise<string | undefined> {
  const log = await tryGit(o.dir, ['log', '--format=%H', o.ref, '--', o.todoRel], o);
  const touching = log.stdout.split('\n').filter(Boolean);
  if (touching.length === 0) return undefined;
  const ticked = '^[[:space:]]*([-*+]|[0-9]+[.)])[[:space:]]+\\[[xX]\\].*[Ss]tep[[:space:]]+[0-9]+';
  const grep = await tryGit(o.dir, ['grep', '-c', '-E', ticked, ...touching, '--', o.todoRel], o);
  const withTicks = new Set(grep.stdout.split('\n').map((l) => l.split(':')[0]));
  return touching.find((c) => !withTicks.has(c));
}

/**
 * Results per (directory, commit id, plan, todo): history below a commit id never changes.
 * The entry is the computation itself, so two callers asking at once (a parallel run's
 * scheduler and its integration queue, right after a landing) share one set of git calls.
 */
const cache = new Map<string, Promise<Map<number, LandedStep>>>();
const CACHE_MAX = 64;

/** See {@link LandedStep} for the rules. Keyed by step number. */
export async function landedSteps(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions,
): Promise<Map<number, LandedStep>> {
  const ref = o.ref ?? 'HEAD';
  const key =
    /^[0-9a-f]{40}$/.test(ref) && o.workingTodo === undefined
      ? `${o.dir}\0${ref}\0${o.planId}\0${o.todoRel}`
      : undefined;
  const hit = key ? cache.get(key) : undefined;
  if (hit) return new Map(await hit);
  const landed = computeLanded(ctx, o, ref);
  if (key) {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, landed);
    // A failed look is not remembered.
    landed.catch(() => cache.get(key) === landed && cache.delete(key));
  }
  return new Map(await landed);
}

async function computeLanded(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions,
  ref: string,
): Promise<Map<number, LandedStep>> {
  const g = { env: ctx.env };
  const landed = new Map<number, LandedStep>();
  if (ref === 'HEAD' && !(await headCommit(o.dir, g))) return landed;
  if (o.todoRel !== undefined && o.workingTodo !== undefined && !hasTicks(o.workingTodo)) {
    const committed = await showFile(o.dir, ref, o.todoRel, g);
    if (committed !== o.workingTodo) return landed;
  }
  // Rule 3 first, so the log only reads this plan's history (a revert always comes after
  // what it reverts, so no revert that matters lies before the start).
  const start =
    o.todoRel !== undefined ? await planStart({ ...g, dir: o.dir, ref, todoRel: o.todoRel }) : undefined;
  const entries = await stepLog({ ...g, dir: o.dir, range: start ? [`^${start}`, ref] : [ref] });
  // A commit is in effect unless a later commit that is itself in effect reverts it; so a
  // revert of the revert lands the step again. Reverts only name older commits: no cycles.
  const revertedBy = new Map<string, string[]>();
  for (const e of entries)
    for (const id of e.reverts) {
      const target = entries.find((t) => t.commit === id || (id.length < 40 && t.commit.startsWith(id)));
      if (target) revertedBy.set(target.commit, [...(revertedBy.get(target.commit) ?? []), e.commit]);
    }
  const memo = new Map<string, boolean>();
  const inEffect = (c: string): boolean => {
    const known = memo.get(c);
    if (known !== undefined) return known;
    const v = !(revertedBy.get(c) ?? []).some(inEffect);
    memo.set(c, v);
    return v;
  };
  for (const e of entries) {
    if (e.steps.length === 0 || !e.plans.includes(o.planId) || !inEffect(e.commit)) continue;
    for (const n of e.steps) if (!landed.has(n)) landed.set(n, { step: n, ...pick(e) });
  }
  return landed;
}

const pick = (e: LogEntry) => ({ commit: e.commit, subject: e.subject, author: e.author, date: e.date });

/**
 * The steps done on `ref`: landed ({@link landedSteps}) plus boxes ticked by hand in the
 * todo file at `ref` (or in `todoText` when given). The value is the landing, undefined
 * for a hand tick without a commit.
 */
export async function doneSteps(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions & { todoText?: string },
): Promise<Map<number, LandedStep | undefined>> {
  const landed = await landedSteps(ctx, o);
  const done = new Map<number, LandedStep | undefined>(landed);
  const text =
    o.todoText ??
    (o.todoRel ? await showFile(o.dir, o.ref ?? 'HEAD', o.todoRel, { env: ctx.env }) : undefined);
  for (const n of text ? tickedSteps(text) : []) if (!done.has(n)) done.set(n, undefined);
  return done;
}
