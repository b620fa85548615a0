import { describe, expect, it } from 'vitest';
import { readCalls } from '../../../src/core/logs/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeLlmContext } from '../../support/llm-context.js';

const cleanups = useCleanups();

async function setup(env: Record<string, string | undefined>, config: Record<string, unknown> = {}) {
  const s = await makeLlmContext({ env, config });
  cleanups.push(s.cleanup);
  return s;
}

type Api = { name: string; provider: 'openai' | 'anthropic'; config: Record<string, unknown>; path: string };
const APIS: Api[] = [
  { name: 'openai chat', provider: 'openai', config: {}, path: '/v1/chat/completions' },
  {
    name: 'openai responses',
    provider: 'openai',
    config: { providers: { openai: { api: 'responses' } } },
    path: '/v1/responses',
  },
  { name: 'anthropic', provider: 'anthropic', config: {}, path: '/v1/messages' },
];

describe.each(APIS)('LLM client over $name', ({ provider, config, path }) => {
  it.each([false, true])('returns text, usage and cost (stream=%s)', async (stream) => {
    const fake = await cleanups.fakeLlm([
      { text: 'the answer is 42', usage: { inputTokens: 1000, outputTokens: 500 } },
    ]);
    const { llm } = await setup(fake.env(provider), config);
    const deltas: string[] = [];
    const r = await llm.generate({
      system: 'sys',
      messages: [{ role: 'user', content: 'question' }],
      stream,
      onText: (d) => deltas.push(d),
    });
    expect(r.text).toBe('the answer is 42');
    expect(r.usage).toEqual({ inputTokens: 1000, outputTokens: 500 });
    expect(r.cost).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(stream ? 'the answer is 42' : '');
    expect(fake.requests[0]!.path).toBe(path);
    expect(fake.requests[0]!.stream).toBe(stream);
    expect(fake.requests[0]!.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'question' },
    ]);
  });

  it.each([false, true])('round-trips a tool call and its result (stream=%s)', async (stream) => {
    const fake = await cleanups.fakeLlm([
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt' } }] },
      'it says AAA',
    ]);
    const { llm } = await setup(fake.env(provider), config);
    const tools = {
      read_file: {
        description: 'Read a file',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
    };
    const first = await llm.generate({ messages: [{ role: 'user', content: 'read a.txt' }], tools, stream });
    expect(first.toolCalls).toEqual([
      { id: expect.any(String), name: 'read_file', input: { path: 'a.txt' } },
    ]);
    expect(first.finishReason).toBe('tool-calls');
    const call = first.toolCalls[0]!;
    const second = await llm.generate({
      tools,
      stream,
      messages: [
        { role: 'user', content: 'read a.txt' },
        { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
        { role: 'tool', results: [{ toolCallId: call.id, toolName: 'read_file', output: 'AAA' }] },
      ],
    });
    expect(second.text).toBe('it says AAA');
    expect(fake.requests[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: '[tool_call read_file {"path":"a.txt"}]' },
      { role: 'tool', content: 'AAA' },
    ]);
    expect(fake.requests[1]!.tools).toEqual(['read_file']);
  });
});

describe('LLM client: models, roles and keys', () => {
  it('uses the role model when configured, the default otherwise', async () => {
    const fake = await cleanups.fakeLlm(['a', 'b']);
    const { llm } = await setup(fake.env(), { models: { plan: 'openai:gpt-4.1' } });
    expect(llm.resolveModel({ role: 'plan' })).toBe('openai:gpt-4.1');
    expect(llm.resolveModel({ role: 'code' })).toBe('openai:gpt-4o-mini');
    await llm.generate({ role: 'plan', messages: [{ role: 'user', content: 'x' }] });
    await llm.generate({ role: 'code', messages: [{ role: 'user', content: 'x' }] });
    expect(fake.requests.map((r) => r.model)).toEqual(['gpt-4.1', 'gpt-4o-mini']);
  });

  it('an explicit model beats the role', async () => {
    const fake = await cleanups.fakeLlm(['a']);
    const { llm } = await setup(fake.env(), { models: { plan: 'openai:gpt-4.1' } });
    const r = await llm.generate({
      model: 'openai:o3',
      role: 'plan',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(r.model).toBe('openai:o3');
    expect(fake.requests[0]!.model).toBe('o3');
  });

  it('an unknown provider is a usage error listing the known ones', async () => {
    const { llm } = await setup({ SPECLOOP_MODEL: 'gemini:pro' });
    const err = await llm.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('unknown provider "gemini"');
    expect(err.hint).toContain('openai, anthropic, ollama, openai-compatible');
  });

  it('a missing key is a usage error naming the env var and `keys set`', async () => {
    const fake = await cleanups.fakeLlm([]);
    const { llm } = await setup({ ...fake.env(), OPENAI_API_KEY: undefined });
    const err = await llm.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('OPENAI_API_KEY');
    expect(err.hint).toContain('specloop keys set openai');
    expect(fake.requests).toHaveLength(0);
  });

  it('sends the stored key when the env var is unset, the env key when set', async () => {
    const fake = await cleanups.fakeLlm(['a', 'b']);
    const { setKey } = await import('../../../src/core/keys/index.js');
    const { ctx, llm } = await setup({ ...fake.env(), OPENAI_API_KEY: undefined });
    await setKey(ctx, 'openai', 'sk-stored-key');
    await llm.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-stored-key');
    const withEnv = await setup({ ...fake.env(), OPENAI_API_KEY: 'sk-env-key' });
    await setKey(withEnv.ctx, 'openai', 'sk-stored-key');
    await withEnv.llm.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(fake.requests[1]!.headers.authorization).toBe('Bearer sk-env-key');
  });

  it.each(['', '/v1', '/v1/'])('accepts ANTHROPIC_BASE_URL with suffix "%s"', async (suffix) => {
    const fake = await cleanups.fakeLlm(['ok']);
    const { llm } = await setup({ ...fake.env('anthropic'), ANTHROPIC_BASE_URL: fake.url + suffix });
    const r = await llm.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(r.text).toBe('ok');
    expect(fake.requests[0]!.path).toBe('/v1/messages');
    expect(fake.requests[0]!.headers['x-api-key']).toBe('test-key');
  });

  it('talks to ollama through OLLAMA_HOST without a key, at zero cost', async () => {
    const fake = await cleanups.fakeLlm(['local answer']);
    const { llm } = await setup(fake.env('ollama'));
    const r = await llm.generate({ messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(r.text).toBe('local answer');
    expect(r.cost).toBe(0);
    expect(fake.requests[0]!.model).toBe('qwen2.5-coder');
    expect(fake.requests[0]!.path).toBe('/v1/chat/completions');
  });

  it('talks to a named openai-compatible endpoint with its apiKeyEnv', async () => {
    const fake = await cleanups.fakeLlm(['compat']);
    const { llm } = await setup(
      { SPECLOOP_MODEL: 'openai-compatible:local:my-model', LOCAL_KEY: 'lk-123' },
      { providers: { compatible: { local: { baseURL: `${fake.url}/v1`, apiKeyEnv: 'LOCAL_KEY' } } } },
    );
    const r = await llm.generate({ messages: [{ role: 'user', content: 'x' }] });
    expect(r.text).toBe('compat');
    expect(fake.requests[0]!.model).toBe('my-model');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer lk-123');
  });

  it('an unconfigured openai-compatible name is a usage error', async () => {
    const { llm } = await setup({ SPECLOOP_MODEL: 'openai-compatible:nope:m' });
    const err = await llm.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('"nope"');
  });

  it('logs each call with tokens and cost', async () => {
    const fake = await cleanups.fakeLlm([{ text: 'logged', usage: { inputTokens: 10, outputTokens: 2 } }]);
    const { ctx, llm } = await setup(fake.env());
    await llm.generate({
      system: 's',
      messages: [{ role: 'user', content: 'hi' }],
      role: 'plan',
      command: 'test-cmd',
    });
    const [row] = await readCalls(ctx, { limit: 5 });
    expect(row).toMatchObject({
      command: 'test-cmd',
      role: 'plan',
      model: 'openai:gpt-4o-mini',
      response: 'logged',
      inputTokens: 10,
      outputTokens: 2,
    });
    expect(row!.prompt).toContain('[system]\ns');
    expect(row!.prompt).toContain('[user]\nhi');
    expect(row!.cost).toBeCloseTo((10 * 0.15 + 2 * 0.6) / 1e6, 12);
  });
});
