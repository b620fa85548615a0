import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCalls } from '../../../src/core/logs/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeLlmContext } from '../../support/llm-context.js';
import { tempDir } from '../../support/repo.js';

const cleanups = useCleanups();

const tools = {
  finish: {
    description: 'Say you are done',
    inputSchema: { type: 'object', properties: { summary: { type: 'string' } } },
  },
};

/** Record a two-call session (text, then a streamed tool call) against the fake server. */
async function recordSession(file: string) {
  const fake = await cleanups.fakeLlm([
    'first answer',
    { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
  ]);
  const s = await makeLlmContext({ env: fake.env(), llmOptions: { record: file } });
  cleanups.push(s.cleanup);
  const a = await s.llm.generate({ system: 'sys', messages: [{ role: 'user', content: 'one' }] });
  const b = await s.llm.generate({ messages: [{ role: 'user', content: 'two' }], tools, stream: true });
  await fake.close();
  return { a, b };
}

describe('record / replay', () => {
  it('records each call as a JSONL line without keys', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'rec', 'session.jsonl');
    await recordSession(file);
    const text = readFileSync(file, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].request).toEqual({
      model: 'openai:gpt-4o-mini',
      system: 'sys',
      messages: [{ role: 'user', content: 'one' }],
    });
    expect(lines[0].response).toMatchObject({
      text: 'first answer',
      model: 'openai:gpt-4o-mini',
      finishReason: 'stop',
    });
    expect(lines[1].stream).toBe(true);
    expect(lines[1].request.tools).toEqual(tools);
    expect(lines[1].response.toolCalls).toEqual([
      { id: expect.any(String), name: 'finish', input: { summary: 'ok' } },
    ]);
    expect(text).not.toContain('test-key');
  });

  it('replays the session offline, with no key and no server, streaming recorded text', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'session.jsonl');
    const recorded = await recordSession(file);
    const s = await makeLlmContext({
      env: { SPECLOOP_MODEL: 'openai:gpt-4o-mini' },
      llmOptions: { replay: file },
    });
    cleanups.push(s.cleanup);
    let streamed = '';
    const a = await s.llm.generate({
      system: 'sys',
      messages: [{ role: 'user', content: 'one' }],
      stream: true,
      onText: (d) => (streamed += d),
    });
    const b = await s.llm.generate({ messages: [{ role: 'user', content: 'two' }], tools, stream: true });
    expect(a.text).toBe('first answer');
    expect(streamed).toBe('first answer');
    expect(a.usage).toEqual(recorded.a.usage);
    expect(b.toolCalls).toEqual(recorded.b.toolCalls);
  });

  it('fails loudly, printing the request, when the recording has no answer', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'session.jsonl');
    await recordSession(file);
    const s = await makeLlmContext({ env: {}, llmOptions: { replay: file } });
    cleanups.push(s.cleanup);
    const err = await s.llm
      .generate({ messages: [{ role: 'user', content: 'something new' }] })
      .catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('has no answer for this request');
    expect(err.message).toContain('something new');
    const [row] = await readCalls(s.ctx);
    expect(row!.error).toContain('has no answer');
  });

  it('uses each recorded answer once, in order', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'same.jsonl');
    const req = { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] };
    const line = (text: string) =>
      JSON.stringify({
        v: 1,
        stream: false,
        request: req,
        response: {
          text,
          toolCalls: [],
          usage: { inputTokens: 1, outputTokens: 1 },
          model: req.model,
          finishReason: 'stop',
        },
      });
    writeFileSync(file, `${line('A')}\n${line('B')}\n`);
    const s = await makeLlmContext({ env: {}, llmOptions: { replay: file } });
    cleanups.push(s.cleanup);
    const ask = () => s.llm.generate({ messages: [{ role: 'user', content: 'again' }] });
    expect((await ask()).text).toBe('A');
    expect((await ask()).text).toBe('B');
    await expect(ask()).rejects.toThrow(/0 unused of 2/);
  });

  it('a missing replay file is a usage error', async () => {
    const s = await makeLlmContext({ env: {}, llmOptions: { replay: '/nonexistent/x.jsonl' } });
    cleanups.push(s.cleanup);
    const err = await s.llm.generate({ messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('does not exist');
  });
});
