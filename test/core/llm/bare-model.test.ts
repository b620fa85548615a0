import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config/load.js';
import { UsageError } from '../../../src/core/errors.js';
import { resolveModelSpec } from '../../../src/core/llm/model-ref.js';

describe('bare model names', () => {
  it('a name one provider has in the known-model table gets that provider', () => {
    const config = makeConfig({});
    expect(resolveModelSpec(config, { model: 'gpt-4o' })).toBe('openai:gpt-4o');
    expect(resolveModelSpec(config, { model: 'claude-sonnet-4-5' })).toBe('anthropic:claude-sonnet-4-5');
  });

  it('[models.aliases] wins, and applies to the configured roles too', () => {
    const config = makeConfig({
      models: { default: 'fast', aliases: { sonnet: 'anthropic:claude-sonnet-4-5', fast: 'gpt-4.1-nano' } },
    });
    expect(resolveModelSpec(config, { model: 'sonnet' })).toBe('anthropic:claude-sonnet-4-5');
    expect(resolveModelSpec(config, { role: 'code' })).toBe('openai:gpt-4.1-nano');
  });

  it('a name two providers know is refused as ambiguous, naming both', () => {
    const config = makeConfig({ prices: { 'ollama:gpt-4o': { input: 0, output: 0 } } });
    expect(() => resolveModelSpec(config, { model: 'gpt-4o' })).toThrow(UsageError);
    expect(() => resolveModelSpec(config, { model: 'gpt-4o' })).toThrow(
      /ambiguous: openai:gpt-4o, ollama:gpt-4o/,
    );
  });

  it('a full provider:model string and an unknown bare name pass through unchanged', () => {
    const config = makeConfig({});
    expect(resolveModelSpec(config, { model: 'ollama:qwen2.5-coder:7b' })).toBe('ollama:qwen2.5-coder:7b');
    expect(resolveModelSpec(config, { model: 'mystery' })).toBe('mystery');
  });
});
