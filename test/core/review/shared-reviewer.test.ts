import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/core/errors.js';
import {
  answerReview,
  type PendingReview,
  pendingReviews,
  type ReviewDecision,
  type Reviewer,
  type ReviewSummary,
  sharedReviewer,
} from '../../../src/core/review/index.js';
import { useCleanups } from '../../support/cleanups.js';

const PLAN = 'plan-abc';
const summary = (step: number, attempt = 1): ReviewSummary => ({
  step,
  title: `step ${step}`,
  attempt,
  planId: PLAN,
  stat: ' src/a.js | 3 +++\n 1 file changed, 3 insertions(+)',
  diff: 'diff --git a/src/a.js b/src/a.js\n+x\n',
  test: { ok: true, command: 'npm test', durationMs: 420, output: 'ok 1 - a\n' },
});
const now = () => Date.now();
const reviewDir = (root: string) => join(root, '.specloop', 'review', PLAN);
/** Answer question `p` as `by` would (the board's and the terminal's one call). */
const reply = (root: string, p: PendingReview, decision: ReviewDecision, by: string) =>
  answerReview({ root, planId: PLAN, step: p.step, id: p.id, decision, by, now: now() });

/** Wait (polling, no fixed sleep) until step `n` has a pending review; return it. */
async function pendingOf(root: string, n: number) {
  for (let i = 0; i < 500; i++) {
    const p = (await pendingReviews(root, PLAN)).get(n);
    if (p) return p;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`step ${n} never waited for review`);
}

describe('the shared reviewer (terminal and board answer the same question)', () => {
  const cleanups = useCleanups();

  it('writes the pending review with the diff summary and test result, takes the board answer, cleans up', async () => {
    const root = cleanups.tmp('specloop-review-');
    const waiting: number[] = [];
    const review = sharedReviewer({ root, now, pollMs: 5, onWaiting: (p) => waiting.push(p.step) });
    const decided = review(summary(2), { signal: new AbortController().signal });
    const p = await pendingOf(root, 2);
    expect(p).toMatchObject({ step: 2, attempt: 1, terminal: false, pid: process.pid });
    expect(p.stat).toContain('src/a.js | 3 +++');
    expect(p.test).toMatchObject({ ok: true, command: 'npm test', durationMs: 420 });
    expect(statSync(join(reviewDir(root), '2.json')).mode & 0o777).toBe(0o600);
    expect(waiting).toEqual([2]);
    const a = await reply(root, p, { action: 'reject', comment: 'name it total' }, 'board');
    expect(a.decision).toMatchObject({ action: 'reject', comment: 'name it total' });
    expect(await decided).toEqual({ action: 'reject', comment: 'name it total', by: 'board' });
    expect(readdirSync(reviewDir(root))).toEqual([]);
  });

  it('the first answer wins: the terminal answered, the board is told so (exit 2) and the run takes the terminal', async () => {
    const root = cleanups.tmp('specloop-review-');
    let release!: () => void;
    const asked = new Promise<void>((r) => (release = r));
    const terminal: Reviewer = async () => {
      await asked;
      return { action: 'accept' };
    };
    const review = sharedReviewer({ root, now, pollMs: 5, terminal });
    const decided = review(summary(1), { signal: new AbortController().signal });
    const p = await pendingOf(root, 1);
    expect(p.terminal).toBe(true);
    release();
    expect(await decided).toEqual({ action: 'accept', by: 'terminal' });
    // A board click that arrives now finds nothing waiting.
    await expect(reply(root, p, { action: 'skip' }, 'board')).rejects.toMatchObject({
      code: 'E_NO_REVIEW',
      exitCode: 2,
    });
  });

  it('the board answered first: the terminal question is withdrawn, and its late answer is refused', async () => {
    const root = cleanups.tmp('specloop-review-');
    let withdrawn = false;
    const terminal: Reviewer = (_s, { signal }) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => {
          withdrawn = true;
          resolve({ action: 'stop' });
        }),
      );
    const told: string[] = [];
    const review = sharedReviewer({ root, now, pollMs: 5, terminal, onAnswered: (a) => told.push(a.by) });
    const decided = review(summary(3), { signal: new AbortController().signal });
    const p = await pendingOf(root, 3);
    await reply(root, p, { action: 'accept' }, 'ana');
    // While the run has not picked it up yet, a second answer names the first.
    const second = reply(root, p, { action: 'stop' }, 'terminal');
    await expect(second).rejects.toMatchObject({ code: 'E_REVIEW_ANSWERED' });
    await expect(second).rejects.toThrow(/already answered: accepted by ana/);
    expect(await decided).toEqual({ action: 'accept', by: 'ana' });
    expect(withdrawn).toBe(true);
    expect(told).toEqual(['ana']);
  });

  it('an answer to an older question (a page showing attempt 1) never decides attempt 2', async () => {
    const root = cleanups.tmp('specloop-review-');
    const review = sharedReviewer({ root, now, pollMs: 5 });
    const ac = new AbortController();
    const first = review(summary(4, 1), { signal: ac.signal });
    const old = await pendingOf(root, 4);
    ac.abort();
    await expect(first).rejects.toThrow(/interrupted while step 4 waited for review/);
    const second = review(summary(4, 2), { signal: new AbortController().signal });
    while ((await pendingOf(root, 4)).attempt !== 2) await new Promise((r) => setTimeout(r, 5));
    await expect(reply(root, old, { action: 'accept' }, 'board')).rejects.toMatchObject({
      code: 'E_REVIEW_STALE',
    });
    const cur = await pendingOf(root, 4);
    await reply(root, cur, { action: 'skip' }, 'board');
    expect(await second).toMatchObject({ action: 'skip' });
  });

  it('Ctrl-C while waiting withdraws the question: no pending review is left behind', async () => {
    const root = cleanups.tmp('specloop-review-');
    const ac = new AbortController();
    const decided = sharedReviewer({ root, now, pollMs: 5 })(summary(5), { signal: ac.signal });
    const p = await pendingOf(root, 5);
    ac.abort();
    await expect(decided).rejects.toBeInstanceOf(InterruptedError);
    expect(existsSync(join(reviewDir(root), '5.json'))).toBe(false);
    await expect(reply(root, p, { action: 'accept' }, 'board')).rejects.toMatchObject({
      code: 'E_NO_REVIEW',
    });
  });

  it('a review left by a run that died (kill -9) is not shown and cannot be answered', async () => {
    const root = cleanups.tmp('specloop-review-');
    const ac = new AbortController();
    const decided = sharedReviewer({ root, now, pollMs: 5 })(summary(6), { signal: ac.signal });
    const p = await pendingOf(root, 6);
    // Forge the record of a dead run: same host, a pid that is not running.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(reviewDir(root), '6.json'), JSON.stringify({ ...p, pid: 2 ** 22 + 7 }));
    expect((await pendingReviews(root, PLAN)).has(6)).toBe(false);
    await expect(
      answerReview({ root, planId: PLAN, step: 6, decision: { action: 'accept' }, by: 'board', now: now() }),
    ).rejects.toMatchObject({ code: 'E_NO_REVIEW' });
    ac.abort();
    await decided.catch(() => {});
  });
});
