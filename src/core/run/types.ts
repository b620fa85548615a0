import type { Usage } from './events.js';

export interface StepReport {
  step: number;
  title: string;
  ok: boolean;
  attempts: number;
  commit?: string;
  reason?: string;
  usage: Usage;
  cost: number;
  durationMs: number;
  sessionIds: string[];
}

export interface RunPlanResult {
  planId: string;
  planFile: string;
  todoFile: string;
  branch: string;
  /** What the run did (or, in a dry run, would do) to get onto `branch`. */
  branchAction: 'stay' | 'create' | 'switch';
  executor: string;
  testCommand: string;
  dryRun: boolean;
  /** Steps this run would execute (dry run) or planned to when it started. */
  planned: { step: number; title: string /** Must change a test file to land. */; tdd?: boolean }[];
  steps: StepReport[];
  done: number[];
  remaining: number[];
  total: number;
  /** `paused`: a between-steps hook stopped the run (exit 0; run again to continue). */
  stopped?: 'failed' | 'cost-limit' | 'paused';
  usage: Usage;
  cost: number;
  costKnown: boolean;
  /** False when some executor reported no usage (the summary says "usage unknown"). */
  usageKnown?: boolean;
  durationMs: number;
  notes: string[];
  hint?: string;
  exitCode: 0 | 1;
}
