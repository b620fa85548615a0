import { describe, expect, it } from 'vitest';
import { readCalls } from '../../../src/core/logs/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { deadPort } from '../../support/dead-port.js';
import type { FakeReply } from '../../support/fake-llm-server.js';
import { makeLlmContext } from '../../support/llm-context.js';

const cleanups = useCleanups();

async function setup(env: Record<string, string | undefined>, llm: Record<string, unknown> = {}) {
  const s = await makeLlmContext({ env, config: { llm } });
  cleanups.push(s.cleanup);
  return s;
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('LLM client retries', () => {
  it.each<[string, FakeReply, boolean]>([
    ['429', { fault: '429' }, false],
    ['500', { fault: '500' }, false],
    ['malformed (json)', { fault: 'malformed' }, false],
    ['malformed (stream)', { fault: 'malformed' }, true],
    ['cut (json)', { fault: 'cut' }, false],
    ['hang', { fault: 'hang' }, false],
  ])('retries after %s and then succeeds', async (_name, fault, stream) => {
    const fake = await cleanups.fakeLlm([fault, 'recovered']);
    const { ctx, llm } = await setup(fake.env(), { timeoutMs: 300 });
    const r = await llm.generate({ ...ask, stream });
    expect(r.text).toBe('recovered');
    expect(fake.requests).toHaveLength(2);
    expect(ctx.err()).toMatch(/retry 1\/3/);
  });

  it.each(['openai', 'anthropic'] as const)(
    'a cut-off %s stream is retried without repeating streamed text',
    async (p) => {
      // The fake cuts after streaming the first words of 'this stream is cut off mid-way'.
      const fake = await cleanups.fakeLlm([{ fault: 'cut' }, 'this stream is cut off mid-way']);
      const { llm } = await setup(fake.env(p));
      let out = '';
      const r = await llm.generate({ ...ask, stream: true, onText: (d) => (out += d) });
      expect(r.text).toBe('this stream is cut off mid-way');
      expect(out).toBe('this stream is cut off mid-way');
    },
  );

  it('fails loudly when a retried stream diverges from what was already printed', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'cut' }, 'something else entirely']);
    const { llm } = await setup(fake.env());
    const err = await llm.generate({ ...ask, stream: true, onText: () => {} }).catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain('retry answered differently');
  });

  it('honors retry-after over the exponential backoff', async () => {
    const fake = await cleanups.fakeLlm([{ fault: '429', retryAfter: 0.4 }, 'ok']);
    const { llm, ctx } = await setup(fake.env());
    const t0 = Date.now();
    await llm.generate(ask);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(ctx.err()).toContain('retry 1/3 in 0.4s');
  });

  it('backs off exponentially from retryBaseMs', async () => {
    const fake = await cleanups.fakeLlm([{ fault: '500' }, { fault: '500' }, 'ok']);
    const { llm } = await setup(fake.env(), { retryBaseMs: 100 });
    const t0 = Date.now();
    await llm.generate(ask);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300); // 100 + 200
  });

  it('gives up after llm.maxRetries with exit 1, naming the model and cause', async () => {
    const fake = await cleanups.fakeLlm([{ fault: '500' }, { fault: '500' }, { fault: '500' }]);
    const { llm } = await setup(fake.env(), { maxRetries: 2 });
    const err = await llm.generate(ask).catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain('openai:gpt-4o-mini failed after 3 attempts: HTTP 500');
    expect(err.message).toContain('injected server error');
    expect(fake.requests).toHaveLength(3);
    expect(fake.unexpected).toEqual([]);
  });

  it('does not retry a 4xx that will fail again', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'http', status: 404, message: 'no such model' }]);
    const { llm } = await setup(fake.env());
    const err = await llm.generate(ask).catch((e) => e);
    expect(err.exitCode).toBe(2); // a model that is not there is the user's to fix
    expect(err.message).toContain('HTTP 404: no such model');
    expect(err.hint).toContain('check the model name');
    expect(fake.requests).toHaveLength(1);
  });

  it('a rejected key (401) hints at `specloop keys set`', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'http', status: 401, message: 'invalid x-api-key' }]);
    const { llm } = await setup(fake.env('anthropic'));
    const err = await llm.generate(ask).catch((e) => e);
    expect(err.message).toContain('HTTP 401: invalid x-api-key');
    expect(err.hint).toContain('specloop keys set anthropic');
  });

  it('an unreachable endpoint fails at once (no retries) with the URL and cause', async () => {
    const port = await deadPort();
    const { llm, ctx } = await setup({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    const err = await llm.generate(ask).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`http://127.0.0.1:${port}/v1`);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain('attempts');
    expect(ctx.err()).not.toContain('retry');
  });

  it('a hanging server times out after llm.timeoutMs, retried, then exit 1', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'hang' }, { fault: 'hang' }]);
    const { llm } = await setup(fake.env(), { timeoutMs: 200, maxRetries: 1 });
    const err = await llm.generate({ ...ask, stream: true }).catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain('no response within 0.2s');
    expect(fake.requests).toHaveLength(2);
  });

  it('Ctrl-C (ctx.signal) stops waiting and is not retried', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'hang' }]);
    const ac = new AbortController();
    const s = await makeLlmContext({ env: fake.env(), signal: ac.signal });
    cleanups.push(s.cleanup);
    setTimeout(() => ac.abort(), 100);
    const err = await s.llm.generate(ask).catch((e) => e);
    expect(err.name).toBe('InterruptedError');
    expect(fake.requests).toHaveLength(1);
  });

  it('logs a failed call with its error, and never the key', async () => {
    const fake = await cleanups.fakeLlm([{ fault: '500' }]);
    const { llm, ctx } = await setup(
      { ...fake.env(), OPENAI_API_KEY: 'sk-secret-value-123' },
      { maxRetries: 0 },
    );
    const err = await llm.generate(ask).catch((e) => e);
    const [row] = await readCalls(ctx);
    expect(row!.error).toContain('HTTP 500');
    expect(row!.response).toBeUndefined();
    expect(`${err.message}${err.hint}${JSON.stringify(row)}${ctx.err()}`).not.toContain(
      'sk-secret-value-123',
    );
  });

  it('scrubs a key the server echoes back in its error', async () => {
    const fake = await cleanups.fakeLlm([]); // out of script: the 500 body prints the request, prompt included
    const { llm } = await setup({ ...fake.env(), OPENAI_API_KEY: 'sk-secret-value-123' }, { maxRetries: 0 });
    const err = await llm
      .generate({ messages: [{ role: 'user', content: 'echo sk-secret-value-123' }] })
      .catch((e) => e);
    expect(err.message).toContain('no reply scripted');
    expect(err.message).toContain('echo ***');
    expect(err.message).not.toContain('sk-secret-value-123');
  });
});
