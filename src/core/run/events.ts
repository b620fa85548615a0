/**
 * What the step loop reports while it works. The CLI renders these as the live view;
 * `--json` and the team scheduler consume them too. Usage events carry deltas.
 */
export type RunEvent =
  | { type: 'step-start'; step: number; title: string; index: number; total: number }
  | { type: 'attempt-start'; step: number; attempt: number; maxAttempts: number }
  | { type: 'verify-existing'; step: number }
  | { type: 'activity'; step: number; text: string }
  | { type: 'usage'; step: number; inputTokens: number; outputTokens: number; cost: number | null }
  | { type: 'tests-start'; step: number; command: string }
  | { type: 'tests-end'; step: number; ok: boolean; durationMs: number; timedOut: boolean }
  | { type: 'attempt-end'; step: number; attempt: number; ok: boolean; reason?: string }
  | { type: 'step-end'; step: number; ok: boolean; attempts: number; commit?: string; reason?: string }
  | { type: 'note'; text: string };

export type OnEvent = (event: RunEvent) => void;

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export const zeroUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0 });
