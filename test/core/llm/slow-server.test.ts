import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { timedFetch } from '../../../src/core/llm/http-fetch.js';
import { makeLlmContext } from '../../support/llm-context.js';

/**
 * `llm.timeoutMs` above 300 s: a model server that takes 330 s. The HTTP client's own limits
 * (undici's headers and body timeouts, 300 s by default) run on undici's low-resolution clock;
 * its test hook moves that clock on, so "330 s later" takes no time — the request is real,
 * over loopback, and the server answers only when the test says so.
 */
const undiciClock = createRequire(import.meta.url)('undici/lib/util/timers.js') as {
  tick(ms: number): void;
};
/** 330 s pass on undici's clock (its timers armed first, as its own ticks would have). */
const pass330s = () => {
  undiciClock.tick(0);
  undiciClock.tick(330_000);
};

interface Held {
  url: string;
  /** Resolves when the server got a request. */
  arrived: Promise<{ req: IncomingMessage; res: ServerResponse }>;
  close(): Promise<void>;
}

const servers: Held[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A loopback server that holds each request until the test answers it. */
async function holdingServer(): Promise<Held> {
  let got!: (v: { req: IncomingMessage; res: ServerResponse }) => void;
  const arrived = new Promise<{ req: IncomingMessage; res: ServerResponse }>((r) => (got = r));
  const server = createServer((req, res) => {
    res.on('error', () => {});
    req.resume();
    req.on('end', () => got({ req, res }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const held: Held = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  servers.push(held);
  return held;
}

const CHAT = {
  id: 'chatcmpl-slow',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'worth the wait' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
};

describe('llm.timeoutMs above 300 s: a server answering after 330 s', () => {
  it('control: an HTTP client with undici’s default limits gives up on it (UND_ERR_HEADERS_TIMEOUT)', async () => {
    const s = await holdingServer();
    const p = undiciFetch(`${s.url}/v1/x`, { dispatcher: new Agent() }).catch((e: Error) => e);
    await s.arrived;
    pass330s();
    const err = (await p) as Error & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(Error);
    expect(err.cause?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('the headers after 330 s: the fetch for llm.timeoutMs = 340 s gets the answer', async () => {
    const s = await holdingServer();
    const p = timedFetch(340_000)(`${s.url}/v1/x`);
    const { res } = await s.arrived;
    pass330s();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('late but fine');
    const r = await p;
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('late but fine');
  });

  it('330 s of silence in the middle of the body (a stream): undici’s default cuts it, ours does not', async () => {
    for (const [fetchFn, ok] of [
      [timedFetch(340_000), true],
      [(u: string) => undiciFetch(u, { dispatcher: new Agent() }) as unknown as Promise<Response>, false],
    ] as const) {
      const s = await holdingServer();
      const p = fetchFn(`${s.url}/v1/x`);
      const { res } = await s.arrived;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      const r = await p;
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
      pass330s();
      res.end('data: last\n\n');
      const rest = await reader.read().catch((e: Error & { cause?: { code?: string } }) => e);
      if (ok) expect(new TextDecoder().decode((rest as { value: Uint8Array }).value)).toBe('data: last\n\n');
      else
        expect(
          (rest as Error & { code?: string }).code ?? (rest as { cause?: { code?: string } }).cause?.code,
        ).toBe('UND_ERR_BODY_TIMEOUT');
    }
  });

  it('through the LLM client (AI SDK provider, llm.timeoutMs = 340000): the 330 s answer is the result', async () => {
    const s = await holdingServer();
    const { llm, cleanup } = await makeLlmContext({
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: `${s.url}/v1`, SPECLOOP_MODEL: 'openai:gpt-4o-mini' },
      config: { llm: { timeoutMs: 340_000, maxRetries: 0 } },
    });
    try {
      const p = llm.generate({ messages: [{ role: 'user', content: 'think hard' }] });
      const { req, res } = await s.arrived;
      expect(req.url).toBe('/v1/chat/completions');
      pass330s();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(CHAT));
      const out = await p;
      expect(out.text).toBe('worth the wait');
    } finally {
      cleanup();
    }
  });
});
