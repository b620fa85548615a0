import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { UsageError } from '../errors.js';
import { pidAlive } from '../run/index.js';
import type { ReviewAction, ReviewDecision, ReviewSummary } from './types.js';

/**
 * The review gate's files, so a step waiting for review can be answered from any process
 * (the terminal that runs it, or `specloop board`):
 *   .specloop/review/<planId>/<step>.json         the pending review (diff, test result, who waits)
 *   .specloop/review/<planId>/<step>.answer.json  the answer; created once, never overwritten
 * The pending record carries a fresh id per question: an answer names the id it answers, so
 * a page showing an older attempt can never decide a newer one.
 */

/** Diffs and test output are capped in the record (the board renders them; the terminal has its own copy). */
const MAX_DIFF = 400_000;
const MAX_OUTPUT = 20_000;

export interface PendingReview {
  id: string;
  planId: string;
  step: number;
  title: string;
  attempt: number;
  /** The run waiting for the answer (a dead one's record is stale). */
  pid: number;
  host: string;
  since: string;
  /** Whether the run's terminal asks the same question. */
  terminal: boolean;
  stat: string;
  diff: string;
  test?: { ok: boolean; command: string; durationMs: number; output: string };
}

export interface ReviewAnswer {
  id: string;
  decision: ReviewDecision;
  by: string;
  at: string;
}

export const reviewRoot = (root: string) => join(root, '.specloop', 'review');
const planDir = (root: string, planId: string) => join(reviewRoot(root), planId);
const pendingFile = (root: string, planId: string, step: number) =>
  join(planDir(root, planId), `${step}.json`);
const answerFile = (root: string, planId: string, step: number) =>
  join(planDir(root, planId), `${step}.answer.json`);

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const cap = (s: string, max: number) =>
  s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s;

/** Write the pending review of a step (replacing an older one and any answer to it). */
export async function writePendingReview(
  root: string,
  s: ReviewSummary,
  o: { terminal: boolean; now: number },
): Promise<PendingReview> {
  const dir = planDir(root, s.planId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ignore = join(reviewRoot(root), '.gitignore');
  if (!existsSync(ignore)) await atomicWrite(ignore, '# specloop reviews waiting for an answer\n*\n');
  const p: PendingReview = {
    id: randomBytes(6).toString('hex'),
    planId: s.planId,
    step: s.step,
    title: s.title,
    attempt: s.attempt,
    pid: process.pid,
    host: hostname(),
    since: new Date(o.now).toISOString(),
    terminal: o.terminal,
    stat: s.stat,
    diff: cap(s.diff, MAX_DIFF),
    test: s.test && {
      ok: s.test.ok,
      command: s.test.command,
      durationMs: s.test.durationMs,
      output: s.test.output.length > MAX_OUTPUT ? `…\n${s.test.output.slice(-MAX_OUTPUT)}` : s.test.output,
    },
  };
  await rm(answerFile(root, s.planId, s.step), { force: true });
  // 0600: the diff is the user's code.
  await atomicWrite(pendingFile(root, s.planId, s.step), `${JSON.stringify(p, null, 2)}\n`, { mode: 0o600 });
  return p;
}

/** Whether the run that wrote `p` still waits (a record of a killed run on this host is stale). */
export function isLive(p: Pick<PendingReview, 'pid' | 'host'>): boolean {
  return p.host !== hostname() || pidAlive(p.pid);
}

/** The live pending reviews of a plan, by step. */
export async function pendingReviews(root: string, planId: string): Promise<Map<number, PendingReview>> {
  const out = new Map<number, PendingReview>();
  const names = await readdir(planDir(root, planId)).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    const p = await readJson<PendingReview>(join(planDir(root, planId), name));
    if (p && p.step === Number(m[1]) && isLive(p)) out.set(p.step, p);
  }
  return out;
}

export function readPendingReview(root: string, planId: string, step: number) {
  return readJson<PendingReview>(pendingFile(root, planId, step));
}

export function readAnswer(root: string, planId: string, step: number) {
  return readJson<ReviewAnswer>(answerFile(root, planId, step));
}

/** Remove a step's pending review and its answer — only if they still belong to question `id`. */
export async function clearReview(root: string, planId: string, step: number, id: string): Promise<void> {
  const p = await readPendingReview(root, planId, step);
  if (p && p.id !== id) return;
  await rm(answerFile(root, planId, step), { force: true });
  await rm(pendingFile(root, planId, step), { force: true });
}

const ACTIONS: readonly ReviewAction[] = ['accept', 'reject', 'skip', 'stop'];
const PAST = { accept: 'accepted', reject: 'rejected', skip: 'skipped', stop: 'stopped' } as const;

/** "accepted by board", "rejected by terminal: <comment>". */
export function describeAnswer(a: Pick<ReviewAnswer, 'decision' | 'by'>): string {
  const d = a.decision;
  return `${PAST[d.action]} by ${a.by}${d.action === 'reject' ? `: ${d.comment}` : ''}`;
}

/** Check an answer from outside (the board's JSON): a known action; a rejection carries a comment. */
export function parseDecision(action: unknown, comment: unknown): ReviewDecision {
  if (typeof action !== 'string' || !ACTIONS.includes(action as ReviewAction))
    throw new UsageError(`"${String(action)}" is not a review answer`, {
      hint: `one of ${ACTIONS.join(', ')}`,
    });
  if (action !== 'reject') return { action } as ReviewDecision;
  const text = typeof comment === 'string' ? comment.trim() : '';
  if (!text)
    throw new UsageError('a rejection needs a comment: it is the feedback for the next attempt', {
      hint: 'say what should change',
    });
  return { action: 'reject', comment: text };
}

const alreadyAnswered = (step: number, won: ReviewAnswer | undefined) =>
  new UsageError(`step ${step} was already answered${won ? `: ${describeAnswer(won)}` : ''}`, {
    code: 'E_REVIEW_ANSWERED',
    hint: 'the run goes on with that answer',
  });

/**
 * Answer the review step `step` waits for: the ONE way both the terminal and the board
 * decide. The first answer wins — the answer file is created with link(2), which fails if
 * it exists, so two answers at the same instant cannot both land; the loser gets exit 2
 * naming the winner. `id` (the question the page shows) must still be the one waiting.
 */
export async function answerReview(o: {
  root: string;
  planId: string;
  step: number;
  id?: string;
  decision: ReviewDecision;
  by: string;
  now: number;
}): Promise<ReviewAnswer & { pending: PendingReview }> {
  const p = await readPendingReview(o.root, o.planId, o.step);
  const earlier = await readAnswer(o.root, o.planId, o.step);
  if (p && earlier?.id === p.id) throw alreadyAnswered(o.step, earlier);
  if (!p || !isLive(p))
    throw new UsageError(`step ${o.step} is not waiting for review`, {
      code: 'E_NO_REVIEW',
      hint: 'the run has moved on or ended; the board shows what waits now',
    });
  if (o.id && o.id !== p.id)
    throw new UsageError(
      `the review you answered is out of date: step ${o.step} now waits with attempt ${p.attempt}`,
      {
        code: 'E_REVIEW_STALE',
        hint: 'look at the new attempt and answer again',
      },
    );
  const a: ReviewAnswer = {
    id: p.id,
    decision: { ...o.decision, by: o.by },
    by: o.by,
    at: new Date(o.now).toISOString(),
  };
  const final = answerFile(o.root, o.planId, o.step);
  const tmp = `${final}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(a)}\n`, { mode: 0o600 });
  try {
    // Why link, not rename: rename replaces an existing answer; link refuses it (first wins).
    for (let tries = 0; ; tries++) {
      try {
        await link(tmp, final);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const won = await readAnswer(o.root, o.planId, o.step);
        if (won?.id === p.id || tries > 0)
          throw new UsageError(
            `step ${o.step} was already answered${won ? `: ${describeAnswer(won)}` : ''}`,
            {
              code: 'E_REVIEW_ANSWERED',
              hint: 'the run goes on with that answer',
            },
          );
        // An answer to an older question, which the waiting run ignores: ours takes its place.
        await rm(final, { force: true });
      }
    }
  } finally {
    await rm(tmp, { force: true });
  }
  return { ...a, pending: p };
}
