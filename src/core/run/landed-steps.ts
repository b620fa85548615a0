import { type GitOptions, git, headCommit, resolveCommit, showFile, tryGit } from '../git/index.js';
import { parseTodo } from '../plan/index.js';
import {
  ATTEMPTS_TRAILER,
  COST_TRAILER,
  PLAN_TRAILER,
  parseStepUsage,
  REVERT_TRAILER,
  STEP_TRAILER,
  type StepUsage,
  TOKENS_TRAILER,
} from './trailers.js';

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
  /** What the step's attempts used, from the commit's usage trailers (absent: none written). */
  usage?: StepUsage;
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
  return ticks(todoText).length > 0;
}

/** Step numbers ticked in todo text. */
export function tickedSteps(todoText: string): Set<number> {
  return new Set(ticks(todoText));
}

// The todo texts met last (a run asks about the same few texts after every landing, and a
// markdown parse is milliseconds): the ticked numbers of each, by text.
const tickMemo = new Map<string, readonly number[]>();
function ticks(todoText: string): readonly number[] {
  let t = tickMemo.get(todoText);
  if (!t) {
    t = parseTodo(todoText)
      .items.filter((i) => i.done)
      .map((i) => i.number);
    if (tickMemo.size >= 16) tickMemo.delete(tickMemo.keys().next().value as string);
    tickMemo.set(todoText, t);
  }
  return t;
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
  usage?: StepUsage;
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
    // Usage trailers (the Tokens value has a comma of its own): the first of each counts.
    `%(trailers:key=${ATTEMPTS_TRAILER},valueonly,separator=%x1d)`,
    `%(trailers:key=${TOKENS_TRAILER},valueonly,separator=%x1d)`,
    `%(trailers:key=${COST_TRAILER},valueonly,separator=%x1d)`,
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
    const [commit, subject, author, date, steps, plans, undo, attempts, tokens, cost, body] = rec
      .replace(/^\n/, '')
      .split(FIELD);
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
      usage: parseStepUsage({
        attempts: attempts?.split('\x1d')[0],
        tokens: tokens?.split('\x1d')[0],
        cost: cost?.split('\x1d')[0],
      }),
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

const SHA = /^[0-9a-f]{40}$/;
const CACHE_MAX = 64;

/**
 * Results per (directory, commit id, plan, todo): history below a commit id never changes,
 * nor does a file at a commit id. The entry is the computation itself, so two callers asking
 * at once (a parallel run's scheduler and its integration queue, right after a landing) share
 * one set of git calls.
 */
const cache = new Map<string, Promise<Map<number, LandedStep>>>();
const todoCache = new Map<string, Promise<string | undefined>>();

function remember<T>(m: Map<string, Promise<T>>, key: string, p: Promise<T>): Promise<T> {
  if (m.size >= CACHE_MAX) m.delete(m.keys().next().value as string);
  m.set(key, p);
  // A failed look is not remembered.
  p.catch(() => m.get(key) === p && m.delete(key));
  return p;
}

const landedKey = (dir: string, sha: string, planId: string, todoRel: string | undefined) =>
  `${dir}\0${sha}\0${planId}\0${todoRel}`;

/** The todo file at commit `sha` (undefined when it has none). */
function todoAt(ctx: { env: GitOptions['env'] }, dir: string, sha: string, todoRel: string) {
  const key = `${dir}\0${sha}\0${todoRel}`;
  return todoCache.get(key) ?? remember(todoCache, key, showFile(dir, sha, todoRel, { env: ctx.env }));
}

/** The todo file at commit `o.sha` (undefined when it has none), read once per commit. */
export function todoTextAt(
  ctx: { env: GitOptions['env'] },
  o: { dir: string; sha: string; todoRel: string },
): Promise<string | undefined> {
  return todoAt(ctx, o.dir, o.sha, o.todoRel);
}

/** Landed steps at commit `sha`, computed once per (dir, sha, plan, todo). */
function landedAtCommit(
  ctx: { env: GitOptions['env'] },
  o: { dir: string; planId: string; todoRel?: string },
  sha: string,
): Promise<Map<number, LandedStep>> {
  const key = landedKey(o.dir, sha, o.planId, o.todoRel);
  return cache.get(key) ?? remember(cache, key, computeLanded(ctx, o, sha));
}

/** See {@link LandedStep} for the rules. Keyed by step number. */
export async function landedSteps(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions,
): Promise<Map<number, LandedStep>> {
  return (await landedAt(ctx, o)).landed;
}

/** {@link landedSteps}, and the commit id `o.ref` resolved to (undefined: unborn HEAD). */
async function landedAt(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions,
): Promise<{ landed: Map<number, LandedStep>; sha?: string }> {
  const ref = o.ref ?? 'HEAD';
  const g = { env: ctx.env };
  // Resolved first, so that every question about one commit is answered once, by any name.
  const sha = SHA.test(ref)
    ? ref
    : ref === 'HEAD'
      ? await headCommit(o.dir, g)
      : await resolveCommit(o.dir, ref, g);
  if (!sha) {
    if (ref === 'HEAD') return { landed: new Map() };
    return { landed: await computeLanded(ctx, o, ref) }; // git says what is wrong with the ref
  }
  if (o.todoRel !== undefined && o.workingTodo !== undefined && !hasTicks(o.workingTodo)) {
    const committed = await todoAt(ctx, o.dir, sha, o.todoRel);
    if (committed !== o.workingTodo) return { landed: new Map(), sha };
  }
  return { landed: new Map(await landedAtCommit(ctx, o, sha)), sha };
}

/**
 * Tell the cache about a landing commit this process just built: one commit on `parent`
 * carrying this plan's trailers, with `todoText` as its todo file. By the rules its landed
 * steps are the parent's plus its own — rule 3's start stays (its todo has a tick), and
 * nothing reverts the newest commit — so the parent's result is extended with the commit's
 * own log entry (one git call, for its author and date as git prints them) and the next
 * look at it (the scheduler's refresh, the next landing's exactly-once check) asks git
 * nothing else. Anything unexpected (no result for the parent, another shape of commit)
 * falls back to the full computation. Returns when the answer is there (callers need not wait).
 */
export async function recordLanding(
  ctx: { env: GitOptions['env'] },
  o: { dir: string; planId: string; todoRel?: string; parent: string; commit: string; todoText?: string },
): Promise<void> {
  const key = landedKey(o.dir, o.commit, o.planId, o.todoRel);
  const base = cache.get(landedKey(o.dir, o.parent, o.planId, o.todoRel));
  if (!SHA.test(o.commit) || cache.has(key) || !base) return;
  if (o.todoRel !== undefined) {
    if (o.todoText === undefined || !hasTicks(o.todoText)) return;
    remember(todoCache, `${o.dir}\0${o.commit}\0${o.todoRel}`, Promise.resolve(o.todoText));
  }
  const extended = async () => {
    const [before, entries] = await Promise.all([
      base,
      stepLog({ env: ctx.env, dir: o.dir, range: [`^${o.parent}`, o.commit] }),
    ]);
    const own = entries[0];
    if (entries.length !== 1 || own?.commit !== o.commit || own.reverts.length > 0) return undefined;
    const landed = new Map(before);
    addLandings(landed, entries, o.planId, () => true);
    return landed;
  };
  await remember(
    cache,
    key,
    extended().then(
      (m) => m ?? computeLanded(ctx, o, o.commit),
      () => computeLanded(ctx, o, o.commit),
    ),
  ).catch(() => {}); // not remembered; the next look computes (and reports) it
}

/** Each entry's steps of plan `planId` that are in effect, first landing first. */
function addLandings(
  landed: Map<number, LandedStep>,
  entries: LogEntry[],
  planId: string,
  inEffect: (commit: string) => boolean,
): void {
  for (const e of entries) {
    if (e.steps.length === 0 || !e.plans.includes(planId) || !inEffect(e.commit)) continue;
    for (const n of e.steps) if (!landed.has(n)) landed.set(n, { step: n, ...pick(e) });
  }
}

async function computeLanded(
  ctx: { env: GitOptions['env'] },
  o: { dir: string; planId: string; todoRel?: string },
  ref: string,
): Promise<Map<number, LandedStep>> {
  const g = { env: ctx.env };
  const landed = new Map<number, LandedStep>();
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
  addLandings(landed, entries, o.planId, inEffect);
  return landed;
}

const pick = (e: LogEntry) => ({
  commit: e.commit,
  subject: e.subject,
  author: e.author,
  date: e.date,
  ...(e.usage && { usage: e.usage }),
});

/**
 * The steps done on `ref`: landed ({@link landedSteps}) plus boxes ticked by hand in the
 * todo file at `ref` (or in `todoText` when given). The value is the landing, undefined
 * for a hand tick without a commit.
 */
export async function doneSteps(
  ctx: { env: GitOptions['env'] },
  o: LandedStepsOptions & { todoText?: string },
): Promise<Map<number, LandedStep | undefined>> {
  const { landed, sha } = await landedAt(ctx, o);
  const done = new Map<number, LandedStep | undefined>(landed);
  const text = o.todoText ?? (o.todoRel && sha ? await todoAt(ctx, o.dir, sha, o.todoRel) : undefined);
  for (const n of text ? tickedSteps(text) : []) if (!done.has(n)) done.set(n, undefined);
  return done;
}
