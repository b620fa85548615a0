import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, WorkError } from '../errors.js';
import { git } from '../git/index.js';
import type { AttemptObserver, PreLandCheck, StepChange } from '../run/seams.js';
import type { TestResult } from '../run/test-runner.js';

/** What the reviewer sees before a step lands. */
export interface ReviewSummary {
  step: number;
  title: string;
  attempt: number;
  /** `git diff --stat` of the change against the step's base (new files included). */
  stat: string;
  /** The whole diff, for the pager. */
  diff: string;
  test?: Pick<TestResult, 'ok' | 'command' | 'durationMs' | 'output'>;
}

export type ReviewDecision =
  | { action: 'accept' }
  /** The comment goes to the next attempt as a reviewer's note. */
  | { action: 'reject'; comment: string }
  /** Land nothing for this step now; its work stays in the tree. */
  | { action: 'skip' }
  | { action: 'stop' };

/** The person at the terminal (the CLI supplies it): shows the summary, returns a decision. */
export type Reviewer = (summary: ReviewSummary) => Promise<ReviewDecision>;

/**
 * The review gate (`run --review`): an after-tests pre-land check, so the person sees a
 * green change — its diff stat and test result — before it is committed or queued, and
 * accepts it, rejects it with a comment (the next attempt's feedback), skips or stops.
 * Reviews are one at a time even when `--parallel` steps finish together.
 */
export function createReviewGate(reviewer: Reviewer): { check: PreLandCheck; observer: AttemptObserver } {
  const tests = new Map<string, TestResult>();
  const key = (dir: string, step: number) => `${dir}\0${step}`;
  let queue: Promise<unknown> = Promise.resolve();
  const observer: AttemptObserver = {
    testsRan: (e) => void tests.set(key(e.dir, e.step), e.result),
  };
  const check: PreLandCheck = {
    name: 'review',
    when: 'after-tests',
    check(ctx, change) {
      const turn = queue.then(() =>
        review(ctx, change, tests.get(key(change.dir, change.step.number)), reviewer),
      );
      queue = turn.catch(() => {});
      return turn;
    },
  };
  return { check, observer };
}

async function review(ctx: Context, change: StepChange, test: TestResult | undefined, reviewer: Reviewer) {
  const { stat, diff } = await diffOf(ctx, change);
  const n = change.step.number;
  const d = await reviewer({ step: n, title: change.step.title, attempt: change.attempt, stat, diff, test });
  switch (d.action) {
    case 'accept':
      return { ok: true as const, notes: ['accepted in review'] };
    case 'reject':
      return {
        ok: false as const,
        reason: `a reviewer rejected this change: ${d.comment.trim() || '(no comment)'}`,
      };
    case 'skip':
      throw new WorkError(`step ${n} was skipped in review; its work is left uncommitted in the tree`, {
        code: 'E_REVIEW_SKIPPED',
        hint: `edit it and run \`specloop run --step ${n} --review\` to review it again, or discard it with git checkout`,
      });
    case 'stop':
      throw new InterruptedError(
        `stopped in review — step ${n}'s work is left in the tree\n  resume with: specloop run --review`,
      );
  }
}

/** Diff of the change including new files, through a throwaway index (the real one is not touched). */
async function diffOf(ctx: Context, change: StepChange): Promise<{ stat: string; diff: string }> {
  const tmp = await mkdtemp(join(tmpdir(), 'specloop-review-'));
  const g = { env: ctx.env, indexFile: join(tmp, 'index') };
  try {
    await git(change.dir, ['read-tree', 'HEAD'], g);
    if (change.changed.length) await git(change.dir, ['add', '-A', '--', ...change.changed], g);
    const stat = await git(change.dir, ['diff', '--cached', '--stat', '--no-color', 'HEAD'], g);
    const diff = await git(change.dir, ['diff', '--cached', '--no-color', 'HEAD'], g);
    return { stat: stat.trimEnd(), diff };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
