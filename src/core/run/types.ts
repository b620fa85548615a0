import type { OnEvent, Usage } from './events.js';
import type { Executor } from './executors/types.js';

export interface RunPlanOptions {
  step?: number;
  next?: boolean;
  all?: boolean;
  until?: number;
  /** builtin | aider | claude | codex (default: config `run.executor`). */
  executor?: string;
  model?: string;
  /** Default: config `test.command`; none → exit 2. */
  testCommand?: string;
  testTimeoutMs?: number;
  maxAttempts?: number;
  tdd?: boolean;
  /** `--branch NAME`, or false for `--no-branch`. */
  branch?: string | false;
  /** Run the steps of this prompt_plan-format file instead of prompt_plan.md. */
  from?: string;
  /** USD; no new attempt starts once this much was spent. Default: config `run.maxCost`. */
  maxCost?: number;
  dryRun?: boolean;
  yes?: boolean;
  onEvent?: OnEvent;
  /** Test hook (SPECLOOP_CRASH_AT): called at named points; the CLI turns a match into SIGKILL. */
  crash?: (point: string, before?: () => void) => void;
  /** Use this executor instead of creating one by name (tests, benchmarks). */
  executorOverride?: Executor;
}

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
  stopped?: 'failed' | 'cost-limit';
  usage: Usage;
  cost: number;
  costKnown: boolean;
  durationMs: number;
  notes: string[];
  hint?: string;
  exitCode: 0 | 1;
}
