import type { Config } from '../config/schema.js';
import type { LlmUsage } from './types.js';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * Built-in list prices (USD per 1M tokens) of common models, as published by the vendors.
 * Config `[prices."provider:model"]` overrides or extends this table. Dated variants
 * (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) match their base name.
 */
export const BUILT_IN_PRICES: Record<string, Price> = {
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:gpt-5': { input: 1.25, output: 10 },
  'openai:gpt-5-mini': { input: 0.25, output: 2 },
  'openai:gpt-5-nano': { input: 0.05, output: 0.4 },
  'openai:o3': { input: 2, output: 8 },
  'openai:o3-mini': { input: 1.1, output: 4.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'anthropic:claude-opus-4-5': { input: 5, output: 25 },
  'anthropic:claude-opus-4-1': { input: 15, output: 75 },
  'anthropic:claude-opus-4-0': { input: 15, output: 75 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15 },
  'anthropic:claude-sonnet-4-0': { input: 3, output: 15 },
  'anthropic:claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5 },
  'anthropic:claude-3-5-haiku': { input: 0.8, output: 4 },
};

/** The effective table: built-in merged with config `prices`. */
export function priceTable(config: Config): Record<string, Price> {
  return { ...BUILT_IN_PRICES, ...config.prices };
}

/**
 * Price of a model: exact key, else the longest key that is a `-`-bounded prefix
 * (dated snapshots, `-latest`). Local models (ollama) are free. Unknown → undefined.
 */
export function priceOf(model: string, config: Config): Price | undefined {
  if (model.startsWith('ollama:')) return { input: 0, output: 0 };
  const table = priceTable(config);
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** Cost in USD of one call, or null when the model's price is unknown. */
export function costOf(model: string, usage: LlmUsage, config: Config): number | null {
  const p = priceOf(model, config);
  if (!p) return null;
  const usd = (usage.inputTokens * p.input + usage.outputTokens * p.output) / 1_000_000;
  // Rounded to a billionth of a cent: no float noise (0.30000000000000004) in --json or the log.
  return Math.round(usd * 1e11) / 1e11;
}
