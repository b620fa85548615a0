import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config/load.js';
import { costOf, priceOf } from '../../../src/core/llm/prices.js';

describe('prices', () => {
  const config = makeConfig();

  it('computes USD from the per-million table', () => {
    expect(costOf('openai:gpt-4o', { inputTokens: 1_000_000, outputTokens: 100_000 }, config)).toBeCloseTo(
      3.5,
    );
  });

  it('has no float noise: 1 in + 2 out tokens of gpt-4o-mini cost exactly 0.00000135', () => {
    // Unrounded this is 0.0000013499999999999998.
    expect(costOf('openai:gpt-4o-mini', { inputTokens: 1, outputTokens: 2 }, config)).toBe(0.00000135);
  });

  it('matches dated snapshots by their longest base name', () => {
    expect(priceOf('openai:gpt-4o-mini-2024-07-18', config)).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('anthropic:claude-sonnet-4-5-20250929', config)).toEqual({ input: 3, output: 15 });
  });

  it('config prices override and extend the built-in table', () => {
    const c = makeConfig({
      prices: { 'openai:gpt-4o': { input: 1, output: 1 }, 'openai-compatible:x:y': { input: 2, output: 2 } },
    });
    expect(priceOf('openai:gpt-4o', c)).toEqual({ input: 1, output: 1 });
    expect(costOf('openai-compatible:x:y', { inputTokens: 500_000, outputTokens: 0 }, c)).toBe(1);
  });

  it('an unknown model has no cost (null), a local one costs 0', () => {
    expect(costOf('openai:unknown-model', { inputTokens: 1, outputTokens: 1 }, config)).toBeNull();
    expect(costOf('ollama:llama3', { inputTokens: 1000, outputTokens: 1000 }, config)).toBe(0);
  });
});
