export { boardAddress, publishBoardAddress } from './board-address.js';
export {
  answerReview,
  describeAnswer,
  isLive,
  type PendingReview,
  parseDecision,
  pendingReviews,
  type ReviewAnswer,
  readPendingReview,
} from './review-files.js';
export { createReviewGate } from './review-gate.js';
export { type SharedReviewerOptions, sharedReviewer } from './shared-reviewer.js';
export type { ReviewAction, ReviewDecision, Reviewer, ReviewSummary } from './types.js';
