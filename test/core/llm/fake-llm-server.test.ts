import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, type LanguageModel, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../../support/fake-llm-server.js';

// Verifies the fake against the real AI SDK providers, so every other test can trust it.
let fake: FakeLlm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

type Kind = 'chat' | 'responses' | 'anthropic' | 'compatible';
function model(kind: Kind, f: FakeLlm): LanguageModel {
  if (kind === 'anthropic')
    return createAnthropic({ baseURL: `${f.url}/v1`, apiKey: 'k' })('claude-sonnet-4-5');
  if (kind === 'compatible') {
    return createOpenAICompatible({ name: 'x', baseURL: `${f.url}/v1`, includeUsage: true }).chatModel('m');
  }
  const openai = createOpenAI({ baseURL: `${f.url}/v1`, apiKey: 'k' });
  return kind === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini');
}

const tools = {
  read_file: {
    description: 'read a file',
    inputSchema: jsonSchema({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }),
  },
};

describe.each<Kind>(['chat', 'responses', 'anthropic', 'compatible'])('fake LLM server via %s', (kind) => {
  it('answers a JSON request with text and usage', async () => {
    fake = await startFakeLlm([{ text: 'hello there', usage: { inputTokens: 7, outputTokens: 3 } }]);
    const r = await generateText({
      model: model(kind, fake),
      system: 'be brief',
      prompt: 'hi',
      maxRetries: 0,
    });
    expect(r.text).toBe('hello there');
    expect(r.usage.inputTokens).toBe(7);
    expect(r.usage.outputTokens).toBe(3);
    expect(fake.requests[0]!.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('streams text in several deltas with usage', async () => {
    fake = await startFakeLlm(['one two three four five six seven eight']);
    const r = streamText({ model: model(kind, fake), prompt: 'count', maxRetries: 0 });
    const chunks: string[] = [];
    for await (const d of r.textStream) chunks.push(d);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe('one two three four five six seven eight');
    expect((await r.usage).outputTokens).toBeGreaterThan(0);
    expect(fake.requests[0]!.stream).toBe(true);
  });

  it.each([false, true])('returns tool calls (stream=%s)', async (stream) => {
    fake = await startFakeLlm([{ toolCalls: [{ name: 'read_file', input: { path: 'a.txt' } }] }]);
    const opts = { model: model(kind, fake), prompt: 'read a.txt', tools, maxRetries: 0 };
    const calls = stream ? await streamText(opts).toolCalls : (await generateText(opts)).toolCalls;
    expect(calls.map((c) => [c.toolName, c.input])).toEqual([['read_file', { path: 'a.txt' }]]);
    expect(fake.requests[0]!.tools).toEqual(['read_file']);
  });

  it('answers 500 and records the request when the script runs out', async () => {
    fake = await startFakeLlm([]);
    await expect(
      generateText({ model: model(kind, fake), prompt: 'surprise', maxRetries: 0 }),
    ).rejects.toThrow(/no reply scripted/);
    expect(fake.unexpected).toHaveLength(1);
    expect(fake.unexpected[0]).toContain('surprise');
  });
});

describe('fake LLM server faults', () => {
  it('429 carries retry-after', async () => {
    fake = await startFakeLlm([{ fault: '429', retryAfter: 2 }]);
    const err = await generateText({ model: model('chat', fake), prompt: 'x', maxRetries: 0 }).catch(
      (e) => e,
    );
    expect(err.statusCode).toBe(429);
    expect(err.responseHeaders['retry-after']).toBe('2');
  });

  it('malformed JSON fails the call', async () => {
    fake = await startFakeLlm([{ fault: 'malformed' }]);
    await expect(generateText({ model: model('chat', fake), prompt: 'x', maxRetries: 0 })).rejects.toThrow();
  });

  it.each<[Kind, 'cut' | 'malformed']>([
    ['chat', 'cut'],
    ['responses', 'cut'],
    ['anthropic', 'cut'],
    ['chat', 'malformed'],
    ['anthropic', 'malformed'],
  ])('a %s stream with fault %s fails the call', async (kind, fault) => {
    fake = await startFakeLlm([{ fault }]);
    const r = streamText({ model: model(kind, fake), prompt: 'x', maxRetries: 0, onError: () => {} });
    // Depending on where the break lands, the SDK yields an error part or the iteration throws.
    const types: string[] = [];
    try {
      for await (const p of r.fullStream) types.push(p.type);
    } catch {
      types.push('thrown');
    }
    expect(types.some((t) => t === 'error' || t === 'thrown')).toBe(true);
  });

  it('hang outlasts a client timeout', async () => {
    fake = await startFakeLlm([{ fault: 'hang' }]);
    const signal = AbortSignal.timeout(200);
    await expect(
      generateText({ model: model('chat', fake), prompt: 'x', maxRetries: 0, abortSignal: signal }),
    ).rejects.toThrow();
    expect(fake.requests).toHaveLength(1);
  });

  it('a function script answers every request', async () => {
    fake = await startFakeLlm((req, i) => `reply ${i} to ${req.messages.at(-1)?.content}`);
    const r = await generateText({ model: model('chat', fake), prompt: 'ping', maxRetries: 0 });
    expect(r.text).toBe('reply 0 to ping');
  });

  it('renders tool results in the normalised messages', async () => {
    fake = await startFakeLlm(['done']);
    await generateText({
      model: model('anthropic', fake),
      maxRetries: 0,
      tools,
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'read_file', input: { path: 'a' } }],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 't1',
              toolName: 'read_file',
              output: { type: 'text', value: 'AAA' },
            },
          ],
        },
      ],
    });
    expect(fake.requests[0]!.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '[tool_call read_file {"path":"a"}]' },
      { role: 'tool', content: 'AAA' },
    ]);
  });
});
