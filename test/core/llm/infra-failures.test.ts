import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/llm/infra-error.js';
import { useCleanups } from '../../support/cleanups.js';
import { deadPort } from '../../support/dead-port.js';
import type { FakeReply } from '../../support/fake-llm-server.js';
import { makeLlmContext } from '../../support/llm-context.js';

const cleanups = useCleanups();
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

async function setup(env: Record<string, string | undefined>) {
  const s = await makeLlmContext({ env, config: { llm: { maxRetries: 3, retryBaseMs: 1 } } });
  cleanups.push(s.cleanup);
  return s;
}

/** Each class of infrastructure failure stops at once — one request, no retry — with its cause. */
describe('infrastructure failures stop at once', () => {
  it('connection refused: exit 2, the URL and ECONNREFUSED, no retry', async () => {
    const port = await deadPort();
    const { llm, ctx } = await setup({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    const err = await llm.generate(ask).catch((e) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect(err).toMatchObject({ kind: 'unreachable', exitCode: 2, code: 'E_INFRA_UNREACHABLE' });
    expect(err.message).toMatch(
      /^model call to openai:gpt-4o-mini failed: the model endpoint is unreachable: .*ECONNREFUSED/,
    );
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(ctx.err()).not.toContain('retry');
  });

  it('a host name that does not resolve: exit 2, ENOTFOUND, no retry', async () => {
    const { llm, ctx } = await setup({
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: 'http://nonexistent.invalid/v1',
    });
    const err = await llm.generate(ask).catch((e) => e);
    expect(err).toMatchObject({ kind: 'dns', exitCode: 2 });
    expect(err.message).toContain('does not resolve');
    expect(err.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(err.hint).toContain('host name');
    expect(ctx.err()).not.toContain('retry');
  });

  it('a base URL that is no URL (a variable left empty: "/v1"): exit 2 at once, not a broken connection retried', async () => {
    const { llm, ctx } = await setup({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: '/v1' });
    const err = await llm.generate(ask).catch((e) => e);
    expect(err).toMatchObject({ kind: 'unreachable', exitCode: 2 });
    expect(err.message).toContain('Invalid URL');
    expect(err.hint).toContain('check the base URL');
    expect(ctx.err()).not.toContain('retry');
  });

  it.each<[string, FakeReply, string, 1 | 2, RegExp]>([
    [
      '401',
      { fault: 'http', status: 401, message: 'Incorrect API key provided' },
      'auth',
      2,
      /rejected the API key: HTTP 401: Incorrect API key provided/,
    ],
    [
      '403',
      { fault: 'http', status: 403, message: 'not allowed' },
      'auth',
      2,
      /rejected the API key: HTTP 403/,
    ],
    [
      '404 model',
      { fault: 'http', status: 404, message: 'The model `gpt-9` does not exist' },
      'model',
      2,
      /the model was not found: HTTP 404: The model `gpt-9` does not exist/,
    ],
    [
      '400 context length',
      {
        fault: 'http',
        status: 400,
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens.",
      },
      'context',
      1,
      /larger than the model’s context window: HTTP 400: This model's maximum context length/,
    ],
    [
      '429 quota',
      {
        fault: 'http',
        status: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
      },
      'quota',
      1,
      /quota or credit is used up/,
    ],
  ])('%s: stops after one request with the provider’s words', async (_n, fault, kind, exit, message) => {
    const fake = await cleanups.fakeLlm([fault, 'never reached']);
    const { llm, ctx } = await setup(fake.env());
    const err = await llm.generate(ask).catch((e) => e);
    expect(err).toMatchObject({ kind, exitCode: exit });
    expect(err.message).toMatch(message);
    expect(fake.requests).toHaveLength(1);
    expect(ctx.err()).not.toContain('retry');
  });

  it('anthropic: a 401 is the same class, with the provider named in the hint', async () => {
    const fake = await cleanups.fakeLlm([{ fault: 'http', status: 401, message: 'invalid x-api-key' }]);
    const { llm } = await setup(fake.env('anthropic'));
    const err = await llm.generate(ask).catch((e) => e);
    expect(err).toMatchObject({ kind: 'auth', exitCode: 2 });
    expect(err.hint).toContain('specloop keys set anthropic');
  });

  it('transient failures keep their retries: a plain 429 and a 503 are retried, then succeed', async () => {
    const fake = await cleanups.fakeLlm([{ fault: '429' }, { fault: 'http', status: 503 }, 'ok']);
    const { llm, ctx } = await setup(fake.env());
    const r = await llm.generate(ask);
    expect(r.text).toBe('ok');
    expect(fake.requests).toHaveLength(3);
    expect(ctx.err()).toContain('retry 2/3');
  });
});
