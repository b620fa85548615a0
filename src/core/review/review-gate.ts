import type { Context } from '../context.js';
import { InterruptedError, WorkError } from '../errors.js';
import type { AttemptObserver, PreLandCheck, StepChange } from '../run/seams.js';
import type { TestResult } from '../run/test-runner.js';
import { diffOf } from './review-diff.js';
import type { Reviewer } from './types.js';

/**
 * The review gate (`run --review`): an after-tests pre-land check, so the person sees a
 * green change — its diff stat and test result — before it is committed or queued, and
 * accepts it, rejects it with a comment (the next attempt's feedback), skips or stops.
 * In --parallel / --team it runs in the step's worktree, before the integration queue.
 */
export function createReviewGate(reviewer: Reviewer): { check: PreLandCheck; observer: AttemptObserver } {
  const tests = new Map<string, TestResult>();
  const key = (dir: string, step: number) => `${dir}\0${step}`;
  const observer: AttemptObserver = {
    testsRan: (e) => void tests.set(key(e.dir, e.step), e.result),
  };
  const check: PreLandCheck = {
    name: 'review',
    when: 'after-tests',
    check: (ctx, change) => review(ctx, change, tests.get(key(change.dir, change.step.number)), reviewer),
  };
  return { check, observer };
}

async function review(ctx: Context, change: StepChange, test: TestResult | undefined, reviewer: Reviewer) {
  const { stat, diff } = await diffOf(ctx, change);
  const n = change.step.number;
  const d = await reviewer(
    { step: n, title: change.step.title, attempt: change.attempt, planId: change.planId, stat, diff, test },
    { signal: change.signal ?? ctx.signal },
  );
  switch (d.action) {
    case 'accept':
      return { ok: true as const, notes: [`accepted in review${d.by ? ` (${d.by})` : ''}`] };
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
