import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../../src/core/config/load.js';
import { parseModelRef, resolveModelSpec } from '../../../src/core/llm/model-ref.js';
import { anthropicBaseURL, ollamaBaseURL } from '../../../src/core/llm/providers.js';

describe('model strings', () => {
  it('splits on the first colon only (ollama tags keep theirs)', () => {
    expect(parseModelRef('ollama:qwen2.5-coder:7b')).toMatchObject({
      provider: 'ollama',
      modelId: 'qwen2.5-coder:7b',
    });
  });

  it('reads openai-compatible:<name>:<model> and openai-compatible:<name>', () => {
    const config = makeConfig({ providers: { compatible: { local: { baseURL: 'http://x/v1' } } } });
    expect(parseModelRef('openai-compatible:local:llama3', config)).toMatchObject({
      compatibleName: 'local',
      modelId: 'llama3',
    });
    expect(parseModelRef('openai-compatible:local', config)).toMatchObject({
      compatibleName: 'local',
      modelId: 'local',
    });
  });

  it("uses the endpoint's configured model for a bare openai-compatible:<name>", () => {
    const config = makeConfig({
      providers: { compatible: { vllm: { baseURL: 'http://x/v1', model: 'qwen2.5-coder' } } },
    });
    expect(parseModelRef('openai-compatible:vllm', config)).toMatchObject({
      compatibleName: 'vllm',
      modelId: 'qwen2.5-coder',
    });
    expect(parseModelRef('openai-compatible:vllm:other', config)).toMatchObject({ modelId: 'other' });
  });

  it.each(['gpt-4o', 'gemini:pro', 'openai:'])('rejects %s with exit 2', (spec) => {
    expect(() => parseModelRef(spec)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('resolves role → default', () => {
    const config = makeConfig({ models: { default: 'openai:a', brainstorm: 'anthropic:b' } });
    expect(resolveModelSpec(config, { role: 'brainstorm' })).toBe('anthropic:b');
    expect(resolveModelSpec(config, { role: 'plan' })).toBe('openai:a');
    expect(resolveModelSpec(config, {})).toBe('openai:a');
    expect(resolveModelSpec(config, { model: 'openai:c', role: 'brainstorm' })).toBe('openai:c');
  });
});

describe('base URLs', () => {
  it.each([
    ['https://api.anthropic.com', 'https://api.anthropic.com/v1'],
    ['https://api.anthropic.com/', 'https://api.anthropic.com/v1'],
    ['https://proxy.example/v1', 'https://proxy.example/v1'],
  ])('anthropic %s → %s', (input, out) => {
    expect(anthropicBaseURL(input)).toBe(out);
  });

  it.each([
    ['127.0.0.1:11434', 'http://127.0.0.1:11434/v1'],
    ['http://gpu-box:9999', 'http://gpu-box:9999/v1'],
    ['0.0.0.0', 'http://127.0.0.1:11434/v1'],
  ])('ollama %s → %s', (input, out) => {
    expect(ollamaBaseURL(input)).toBe(out);
  });
});
