import type { IntegrityPolicy } from '../../integrity/index.js';
import type { OnEvent, Usage } from '../events.js';

export type ExecutorName = 'builtin' | 'aider' | 'claude' | 'codex';
export const EXECUTOR_NAMES: readonly ExecutorName[] = ['builtin', 'aider', 'claude', 'codex'];

/** One attempt at one step: the executor edits files in `repoDir` and returns. */
export interface ExecutorInput {
  /** Repository or worktree the agent works in (the only place it may write). */
  repoDir: string;
  step: number;
  /** The full user prompt (step + context, or the retry prompt with the failure). */
  prompt: string;
  /** Test command and where/how long it runs (the builtin agent's `run_tests` tool). */
  testCommand: string;
  testCwd: string;
  testTimeoutMs: number;
  /** USD still allowed for this attempt (undefined: no limit). */
  maxCost?: number;
  signal: AbortSignal;
  onEvent: OnEvent;
  /** What the step may not change (src/core/integrity); the builtin tools refuse it up front. */
  integrity?: IntegrityPolicy;
  /** Test hook: called at named points (the CLI maps SPECLOOP_CRASH_AT to a SIGKILL). */
  crash?: (point: string) => void;
}

/**
 * What the executor says about its attempt. `ok` only means "it finished without a
 * protocol error"; whether the step succeeded is decided by our own checks.
 */
export interface ExecutorResult {
  ok: boolean;
  /** Why the attempt failed (budget, invalid tool calls, CLI error …). */
  reason?: string;
  /** The agent's own summary (never trusted as a success signal). */
  summary?: string;
  usage: Usage;
  /** False when the executor reported no usage at all (shown as "usage unknown", not 0). */
  usageKnown?: boolean;
  /** USD, or null when unknown. */
  cost: number | null;
  sessionId?: string;
  /** The attempt's record: the builtin agent's conversation, or an external CLI's raw output. */
  transcript?: string;
  /** The executor stopped itself mid-attempt: its share of --max-cost was spent (`maxCost`). */
  stopped?: 'cost-limit';
}

export interface Executor {
  name: ExecutorName;
  /** What the progress view shows, e.g. `builtin (openai:gpt-4o-mini)`. */
  label: string;
  run(input: ExecutorInput): Promise<ExecutorResult>;
}

export interface ExecutorOptions {
  /** Model: a `provider:model` string for builtin; passed through to external CLIs. */
  model?: string;
  /** Builtin: tool calls per attempt. */
  maxToolCalls?: number;
  /** Builtin: input + output tokens per attempt. */
  maxTokens?: number;
  /** External CLIs: kill after this long. */
  timeoutMs?: number;
  /**
   * Builtin: check the model string and its key now (no model call), so a missing key
   * fails before the run creates a branch or a commit. Off for `--dry-run`.
   */
  preflight?: boolean;
}
