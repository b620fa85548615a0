import type { LandedStep } from '../run/index.js';

/** The shared picture a scheduling round works from. */
export interface View {
  /** Integration tip (commit id) new worktrees are cut from. */
  tip: string;
  /** Steps done on the integration branch (trailer or ticked box). */
  done: Set<number>;
  /** Where each done step landed, when a trailer says so. */
  doneInfo: Map<number, LandedStep>;
  /** Steps someone else is working on right now (live claims). */
  heldByOthers: Set<number>;
}

/**
 * What differs between `--parallel` on one machine and `--team` across machines: where
 * the integration branch lives, and whether steps must be claimed. The engine is the same.
 */
export interface Coordinator {
  mode: 'parallel' | 'team';
  /** Branch the steps land on. */
  branch: string;
  refresh(): Promise<View>;
  /** Take the step for this process; false when someone else has it. */
  acquire(step: number): Promise<boolean>;
  /** Keep the step while it is worked on (lease renewal); `onLost` stops the work. Returns a stop function. */
  hold(step: number, onLost: (why: string) => void): () => void;
  /** The integration tip right now (fetched, in team mode). */
  currentTip(): Promise<string>;
  /** Make `commit` the new tip if the tip is still `expected`; false when it moved (lost a race). */
  publish(commit: string, expected: string): Promise<boolean>;
  /** Give the step back: it landed, failed, or the run stops. */
  release(step: number): Promise<void>;
  /** How long to wait before looking again while teammates hold every ready step. */
  pollMs: number;
}
