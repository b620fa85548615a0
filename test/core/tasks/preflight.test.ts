import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config/load.js';
import { assertFits, contextWindowOf, estimateCall } from '../../../src/core/tasks/index.js';

describe('contextWindowOf', () => {
  it.each([
    ['openai:gpt-4o-mini', 128_000],
    ['openai:gpt-4o-2024-08-06', 128_000],
    ['openai:gpt-4.1', 1_047_576],
    ['anthropic:claude-sonnet-4-5', 200_000],
    ['ollama:qwen2.5-coder', 32_768],
    ['openai-compatible:local', 128_000],
  ])('%s → %d', (model, want) => {
    expect(contextWindowOf(model)).toBe(want);
  });
});

describe('estimateCall / assertFits', () => {
  const config = makeConfig({});

  it('estimates the cost from the price table (input + an expected answer)', () => {
    const est = estimateCall({ model: 'openai:gpt-4o-mini', inputTokens: 1_000_000, config });
    expect(est.cost).toBeCloseTo(0.15 + (4000 * 0.6) / 1_000_000, 6);
  });

  it('[llm] contextWindows in config overrides the built-in window', () => {
    const big = makeConfig({ llm: { contextWindows: { 'ollama:qwen2.5-coder': 131_072 } } });
    const est = estimateCall({ model: 'ollama:qwen2.5-coder', inputTokens: 100_000, config: big });
    expect(est.contextWindow).toBe(131_072);
    expect(() => assertFits(est, {})).not.toThrow();
    expect(() =>
      assertFits(estimateCall({ model: 'ollama:qwen2.5-coder', inputTokens: 100_000, config }), {}),
    ).toThrow();
  });

  it('has no cost for a model without a price', () => {
    expect(estimateCall({ model: 'openai-compatible:x', inputTokens: 10, config }).cost).toBeNull();
  });

  it('refuses a prompt over the window, naming the count, the window and the options', () => {
    const est = estimateCall({ model: 'openai:gpt-4o-mini', inputTokens: 200_000, config });
    expect(() => assertFits(est, { packTokens: 195_000 })).toThrowError(
      /200,000 tokens, but openai:gpt-4o-mini takes 128,000/,
    );
    try {
      assertFits(est, { packTokens: 195_000 });
    } catch (err) {
      // 119,808 tokens fit; the template takes 5,000 of them, which leaves 114,808 for the pack.
      expect((err as { hint: string }).hint).toMatch(/--token-budget 114,000[\s\S]*--include/);
    }
  });

  it('suggests no token budget when the template alone is too big, and no pack options for --input', () => {
    const est = estimateCall({ model: 'x:y', inputTokens: 2000, config, contextWindow: 1000 });
    expect(() => assertFits(est, { packTokens: 100 })).toThrow(
      expect.objectContaining({ hint: expect.not.stringContaining('--token-budget') }),
    );
    expect(() => assertFits(est, {})).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('a smaller --input file') }),
    );
  });

  it('keeps room for the answer: a prompt that fills the whole window does not fit', () => {
    const est = estimateCall({ model: 'x:y', inputTokens: 1000, config, contextWindow: 1000 });
    expect(() => assertFits(est, {})).toThrow(/875 after keeping room/);
  });

  it('accepts a prompt that fits', () => {
    const est = estimateCall({ model: 'openai:gpt-4o-mini', inputTokens: 100_000, config });
    expect(() => assertFits(est, { packTokens: 90_000 })).not.toThrow();
  });
});
