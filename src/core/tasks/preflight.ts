import { formatCount, formatUsd } from '../../util/format.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { priceOf } from '../llm/prices.js';
import { answerReserve, CONTEXT_WINDOWS, contextWindowOf } from './context-windows.js';

/** What a call will take, known before making it. */
export interface CallEstimate {
  model: string;
  /** Tokens of system prompt + rendered prompt (the pack included). */
  inputTokens: number;
  contextWindow: number;
  /** Output tokens assumed for the cost estimate. */
  expectedOutputTokens: number;
  /** USD, or null when the model's price is unknown. */
  cost: number | null;
}

/** A typical long answer (review, issue list, README); used only for the estimate. */
const EXPECTED_OUTPUT_TOKENS = 4000;

const fmt = formatCount;

export function estimateCall(opts: {
  model: string;
  inputTokens: number;
  config: Config;
  contextWindow?: number;
}): CallEstimate {
  const contextWindow =
    opts.contextWindow ??
    contextWindowOf(opts.model, { ...CONTEXT_WINDOWS, ...opts.config.llm.contextWindows });
  const price = priceOf(opts.model, opts.config);
  const cost = price
    ? (opts.inputTokens * price.input + EXPECTED_OUTPUT_TOKENS * price.output) / 1_000_000
    : null;
  return {
    model: opts.model,
    inputTokens: opts.inputTokens,
    contextWindow,
    expectedOutputTokens: EXPECTED_OUTPUT_TOKENS,
    cost,
  };
}

/**
 * Refuse, before calling, a prompt that cannot fit the model's context with room for an
 * answer. `packTokens` (the pack's share of the prompt) lets the hint name a token budget
 * that would fit.
 */
export function assertFits(est: CallEstimate, opts: { packTokens?: number }): void {
  const room = est.contextWindow - answerReserve(est.contextWindow);
  if (est.inputTokens <= room) return;
  const options: string[] = [];
  if (opts.packTokens !== undefined) {
    const budget = room - (est.inputTokens - opts.packTokens);
    const rounded = budget >= 10_000 ? Math.floor(budget / 1000) * 1000 : budget;
    if (rounded > 0)
      options.push(`--token-budget ${fmt(rounded)} (pack drops the least important files to fit)`);
    options.push("--include 'src/**' or --ignore 'test/**' (pack only what the task needs)");
  } else options.push('a smaller --input file');
  options.push('-m <a model with a larger context>', '--context-window N (if you know the model takes more)');
  throw new UsageError(
    `the prompt is ${fmt(est.inputTokens)} tokens, but ${est.model} takes ${fmt(est.contextWindow)} ` +
      `(${fmt(room)} after keeping room for the answer); nothing was sent`,
    { code: 'E_TOO_LONG', hint: `try one of:\n    ${options.join('\n    ')}` },
  );
}

/** A short human line: "≈ 12,345 tokens in, ≈ $0.02". */
export function describeEstimate(est: CallEstimate): string {
  const cost = est.cost === null ? 'price unknown' : `≈ ${formatUsd(est.cost)}`;
  return `${fmt(est.inputTokens)} tokens in to ${est.model}, ${cost}`;
}
