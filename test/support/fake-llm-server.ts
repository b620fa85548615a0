import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  apiOf,
  type Json,
  normaliseAnthropic,
  normaliseOpenAiChat,
  normaliseResponses,
  toolNames,
} from './fake-llm-normalise.js';
import {
  type Answer,
  anthropic,
  cutOff,
  errorBody,
  json,
  openAiChat,
  openAiResponses,
  sse,
  toAnswer,
} from './fake-llm-wire.js';

/**
 * A wire-level fake LLM: a loopback HTTP server that speaks the OpenAI chat-completions,
 * OpenAI Responses and Anthropic messages protocols (JSON and SSE streaming, tool calls),
 * answers from a script and injects faults. Tests point OPENAI_BASE_URL / ANTHROPIC_BASE_URL
 * at it so the real client code (AI SDK providers included) runs.
 *
 * When the script runs out it answers HTTP 500 with the unexpected request printed in the
 * body AND records it in `fake.unexpected`, so a test can assert nothing surprising happened.
 */

export interface FakeToolCall {
  name: string;
  input: unknown;
  id?: string;
}

export type FakeFault =
  | { fault: '429'; retryAfter?: number }
  | { fault: '500' }
  | { fault: 'hang' }
  | { fault: 'malformed' }
  | { fault: 'cut' }
  /** Any HTTP error status, with the provider's error JSON carrying `message`. */
  | { fault: 'http'; status: number; message?: string };

export type FakeReplyValue =
  | string
  | { text?: string; toolCalls?: FakeToolCall[]; usage?: { inputTokens?: number; outputTokens?: number } }
  | FakeFault;

export type FakeReply = FakeReplyValue | ((req: FakeRequest, index: number) => FakeReplyValue);

export type FakeApi = 'openai-chat' | 'openai-responses' | 'anthropic';

export interface FakeRequest {
  /** 0-based position among all requests this server received. */
  index: number;
  method: string;
  path: string;
  api: FakeApi | 'unknown';
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw text when it was not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests index into provider-specific bodies freely
  body: any;
  stream: boolean;
  model?: string;
  /** The conversation as plain text: system first, tool calls/results rendered as text. */
  messages: { role: string; content: string }[];
  /** Names of the tools the request offered. */
  tools: string[];
}

export interface FakeLlm {
  /** `http://127.0.0.1:PORT` (no trailing slash, no /v1). */
  url: string;
  port: number;
  requests: FakeRequest[];
  /** Requests the script had no answer for (each a printable description). */
  unexpected: string[];
  /** Paths of WebSocket upgrade attempts (each answered 404). */
  upgrades: string[];
  /** Append more scripted replies. */
  push(...replies: FakeReply[]): void;
  /** Env pointing a provider at this server (default: openai). */
  env(provider?: 'openai' | 'anthropic' | 'ollama'): Record<string, string>;
  close(): Promise<void>;
}

function describe(req: FakeRequest): string {
  return JSON.stringify(
    {
      index: req.index,
      path: req.path,
      model: req.model,
      stream: req.stream,
      messages: req.messages,
      tools: req.tools,
    },
    null,
    2,
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (data += d));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/**
 * Start the fake on a random loopback port. `replies` is a list (one per request, in
 * order; entries may be functions of the request) or one function answering every request.
 */
export async function startFakeLlm(
  replies: FakeReply[] | ((req: FakeRequest, index: number) => FakeReplyValue) = [],
): Promise<FakeLlm> {
  const script: FakeReply[] = Array.isArray(replies) ? [...replies] : [];
  const handler = Array.isArray(replies) ? undefined : replies;
  const requests: FakeRequest[] = [];
  const unexpected: string[] = [];
  const upgrades: string[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((httpReq, res) => {
    // A client that gives up mid-request must not crash the test run.
    res.on('error', () => {});
    handle(httpReq, res).catch((err) => {
      unexpected.push(`fake LLM: handler failed: ${(err as Error).message}`);
      if (!res.headersSent) json(res, 500, errorBody('unknown', 500, String(err)));
    });
  });

  async function handle(httpReq: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(httpReq);
    // Claude Code checks connectivity with `HEAD /api/hello` before its first call (not recorded).
    if (httpReq.method === 'HEAD') {
      res.writeHead(200);
      return void res.end();
    }
    // biome-ignore lint/suspicious/noExplicitAny: parsed wire JSON
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {}
    const path = (httpReq.url ?? '/').split('?')[0]!;
    const api = apiOf(path);
    const obj: Json = typeof body === 'object' && body ? body : {};
    const messages =
      api === 'openai-chat'
        ? normaliseOpenAiChat(obj)
        : api === 'openai-responses'
          ? normaliseResponses(obj)
          : api === 'anthropic'
            ? normaliseAnthropic(obj)
            : [];
    const req: FakeRequest = {
      index: requests.length,
      method: httpReq.method ?? 'GET',
      path,
      api,
      headers: { ...httpReq.headers },
      body,
      stream: obj.stream === true,
      model: typeof obj.model === 'string' ? obj.model : undefined,
      messages,
      tools: toolNames(api, obj),
    };
    requests.push(req);

    if (api === 'unknown' || httpReq.method !== 'POST') {
      const msg = `fake LLM: unknown endpoint ${httpReq.method} ${path}\n${describe(req)}`;
      unexpected.push(msg);
      return json(res, 404, errorBody(api, 404, msg));
    }
    const entry = handler ?? script.shift();
    if (entry === undefined) {
      const msg = `fake LLM: no reply scripted for request #${req.index + 1}; request was:\n${describe(req)}`;
      unexpected.push(msg);
      return json(res, 500, errorBody(api, 500, msg));
    }
    let value: FakeReplyValue;
    try {
      value = typeof entry === 'function' ? entry(req, req.index) : entry;
    } catch (err) {
      const msg = `fake LLM: reply function threw for request #${req.index + 1}: ${(err as Error).message}`;
      unexpected.push(msg);
      return json(res, 500, errorBody(api, 500, msg));
    }
    if (typeof value === 'object' && 'fault' in value) {
      switch (value.fault) {
        case '429': {
          const headers: Record<string, string> = {};
          if (value.retryAfter !== undefined) headers['retry-after'] = String(value.retryAfter);
          return json(res, 429, errorBody(api, 429, 'fake LLM: rate limited'), headers);
        }
        case '500':
          return json(res, 500, errorBody(api, 500, 'fake LLM: injected server error'));
        case 'http':
          return json(
            res,
            value.status,
            errorBody(api, value.status, value.message ?? `fake LLM: HTTP ${value.status}`),
          );
        case 'hang':
          // Never answer; the client's timeout (or close()) ends it.
          return;
        case 'malformed':
          if (req.stream) {
            const send = sse(res);
            send('{"this is": not json');
            return void res.end();
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('{"id": "broken", "choices": [ {');
        case 'cut':
          if (!req.stream) {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
            res.write('{"id": "cut", ');
            return cutOff(res);
          }
          return dispatch(req, toAnswer('this stream is cut off mid-way', req), res, true);
      }
    }
    dispatch(req, toAnswer(value as Exclude<FakeReplyValue, FakeFault>, req), res, false);
  }

  function dispatch(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): void {
    if (req.api === 'openai-chat') openAiChat(req, a, res, cut);
    else if (req.api === 'openai-responses') openAiResponses(req, a, res, cut);
    else anthropic(req, a, res, cut);
  }

  // Codex tries a WebSocket transport for the Responses API first; a plain 404 to the upgrade
  // makes it fall back to HTTP + SSE, as an OpenAI-compatible gateway without WebSockets does.
  server.on('upgrade', (httpReq, socket) => {
    upgrades.push(httpReq.url ?? '/');
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    unexpected,
    upgrades,
    push: (...more) => void script.push(...more),
    env(provider: 'openai' | 'anthropic' | 'ollama' = 'openai'): Record<string, string> {
      if (provider === 'anthropic') {
        return {
          SPECLOOP_MODEL: 'anthropic:claude-sonnet-4-5',
          ANTHROPIC_BASE_URL: url,
          ANTHROPIC_API_KEY: 'test-key',
        };
      }
      if (provider === 'ollama') return { SPECLOOP_MODEL: 'ollama:qwen2.5-coder', OLLAMA_HOST: url };
      return {
        SPECLOOP_MODEL: 'openai:gpt-4o-mini',
        OPENAI_BASE_URL: `${url}/v1`,
        OPENAI_API_KEY: 'test-key',
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
