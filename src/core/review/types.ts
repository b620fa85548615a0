import type { TestResult } from '../run/test-runner.js';

/** What the reviewer sees before a step lands. */
export interface ReviewSummary {
  step: number;
  title: string;
  attempt: number;
  planId: string;
  /** `git diff --stat` of the change against the step's base (new files included). */
  stat: string;
  /** The whole diff, for the pager. */
  diff: string;
  test?: Pick<TestResult, 'ok' | 'command' | 'durationMs' | 'output'>;
}

export type ReviewAction = 'accept' | 'reject' | 'skip' | 'stop';

export type ReviewDecision = (
  | { action: 'accept' }
  /** The comment goes to the next attempt as a reviewer's note. */
  | { action: 'reject'; comment: string }
  /** Land nothing for this step now; its work stays in the tree. */
  | { action: 'skip' }
  | { action: 'stop' }
) & {
  /** Who answered ("terminal", "board", a name), when known. */
  by?: string;
};

/**
 * Whoever answers a review: shows the summary, returns a decision. `signal` aborts when the
 * question is moot (answered elsewhere, or Ctrl-C); what it returns after that is ignored.
 */
export type Reviewer = (summary: ReviewSummary, o: { signal: AbortSignal }) => Promise<ReviewDecision>;
