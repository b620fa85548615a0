import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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
  /** Append more scripted replies. */
  push(...replies: FakeReply[]): void;
  /** Env pointing a provider at this server (default: openai). */
  env(provider?: 'openai' | 'anthropic' | 'ollama'): Record<string, string>;
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: wire JSON from arbitrary clients, read loosely
type Json = Record<string, any>;

/** Render one content value (string or array of parts) as plain text. */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content == null ? '' : JSON.stringify(content);
  return content
    .map((p: Json) => {
      if (typeof p === 'string') return p;
      if (p.type === 'text' || p.type === 'input_text' || p.type === 'output_text') return p.text;
      if (p.type === 'tool_use') return `[tool_call ${p.name} ${JSON.stringify(p.input)}]`;
      if (p.type === 'tool_result') return partsText(p.content);
      return JSON.stringify(p);
    })
    .join('');
}

function normaliseOpenAiChat(body: Json): FakeRequest['messages'] {
  return (body.messages ?? []).map((m: Json) => {
    let content = partsText(m.content);
    for (const c of m.tool_calls ?? []) content += `[tool_call ${c.function?.name} ${c.function?.arguments}]`;
    return { role: m.role, content };
  });
}

function normaliseResponses(body: Json): FakeRequest['messages'] {
  const out: FakeRequest['messages'] = [];
  if (body.instructions) out.push({ role: 'system', content: body.instructions });
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  for (const item of input as Json[]) {
    if (item.type === 'function_call') {
      out.push({ role: 'assistant', content: `[tool_call ${item.name} ${item.arguments}]` });
    } else if (item.type === 'function_call_output') {
      out.push({ role: 'tool', content: partsText(item.output) });
    } else {
      out.push({ role: item.role === 'developer' ? 'system' : item.role, content: partsText(item.content) });
    }
  }
  return out;
}

function normaliseAnthropic(body: Json): FakeRequest['messages'] {
  const out: FakeRequest['messages'] = [];
  if (body.system) out.push({ role: 'system', content: partsText(body.system) });
  for (const m of (body.messages ?? []) as Json[]) {
    const parts = Array.isArray(m.content) ? m.content : [];
    const onlyResults = parts.length > 0 && parts.every((p: Json) => p.type === 'tool_result');
    out.push({ role: onlyResults ? 'tool' : m.role, content: partsText(m.content) });
  }
  return out;
}

function toolNames(api: FakeApi | 'unknown', body: Json): string[] {
  const tools: Json[] = Array.isArray(body?.tools) ? body.tools : [];
  if (api === 'openai-chat') return tools.map((t) => t.function?.name ?? t.name);
  return tools.map((t) => t.name);
}

function apiOf(path: string): FakeApi | 'unknown' {
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/messages')) return 'anthropic';
  return 'unknown';
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Split text into a few deltas so streaming consumers see more than one chunk. */
function deltas(text: string): string[] {
  if (!text) return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const out: string[] = [];
  const per = Math.max(1, Math.ceil(words.length / 4));
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}

interface Answer {
  text: string;
  toolCalls: Required<FakeToolCall>[];
  usage: { inputTokens: number; outputTokens: number };
}

function toAnswer(value: Exclude<FakeReplyValue, FakeFault>, req: FakeRequest): Answer {
  const v = typeof value === 'string' ? { text: value } : value;
  const text = v.text ?? '';
  const toolCalls = (v.toolCalls ?? []).map((c, i) => ({
    name: c.name,
    input: c.input,
    id: c.id ?? `call_${req.index}_${i}`,
  }));
  const promptChars = req.messages.reduce((n, m) => n + m.content.length, 0);
  return {
    text,
    toolCalls,
    usage: {
      inputTokens: v.usage?.inputTokens ?? tokens('x'.repeat(promptChars)),
      outputTokens:
        v.usage?.outputTokens ?? tokens(text + toolCalls.map((c) => JSON.stringify(c.input)).join('')),
    },
  };
}

function sse(res: ServerResponse): (data: unknown, event?: string) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  return (data, event) => {
    res.write(
      `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    );
  };
}

// ---------- OpenAI chat completions ----------

function openAiChat(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
  const id = `chatcmpl-fake-${req.index}`;
  const created = Math.floor(Date.now() / 1000);
  const model = req.model ?? 'fake';
  const finish = a.toolCalls.length ? 'tool_calls' : 'stop';
  const usage = {
    prompt_tokens: a.usage.inputTokens,
    completion_tokens: a.usage.outputTokens,
    total_tokens: a.usage.inputTokens + a.usage.outputTokens,
  };
  const toolCalls = a.toolCalls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
  }));
  if (!req.stream) {
    const message: Json = { role: 'assistant', content: a.text || null };
    if (toolCalls.length) message.tool_calls = toolCalls;
    return json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage,
    });
  }
  const send = sse(res);
  const chunk = (delta: Json, finish_reason: string | null = null) =>
    send({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason }],
    });
  chunk({ role: 'assistant', content: '' });
  const parts = deltas(a.text);
  for (const [i, d] of parts.entries()) {
    chunk({ content: d });
    if (cut && i === 0) return cutOff(res);
  }
  if (cut) return cutOff(res);
  a.toolCalls.forEach((c, index) => {
    const args = JSON.stringify(c.input ?? {});
    const half = Math.ceil(args.length / 2);
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] });
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
  });
  chunk({}, finish);
  if (req.body?.stream_options?.include_usage) {
    send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  }
  send('[DONE]');
  res.end();
}

// ---------- OpenAI Responses ----------

function openAiResponses(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
  const id = `resp_fake_${req.index}`;
  const created_at = Math.floor(Date.now() / 1000);
  const model = req.model ?? 'fake';
  const usage = {
    input_tokens: a.usage.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: a.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: a.usage.inputTokens + a.usage.outputTokens,
  };
  const msgId = `msg_fake_${req.index}`;
  const messageItem = {
    type: 'message',
    id: msgId,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: a.text, annotations: [] }],
  };
  const fnItems = a.toolCalls.map((c, i) => ({
    type: 'function_call',
    id: `fc_fake_${req.index}_${i}`,
    call_id: c.id,
    name: c.name,
    arguments: JSON.stringify(c.input ?? {}),
    status: 'completed',
  }));
  const output = [...(a.text ? [messageItem] : []), ...fnItems];
  const response = {
    id,
    object: 'response',
    created_at,
    model,
    status: 'completed',
    error: null,
    incomplete_details: null,
    output,
    usage,
  };
  if (!req.stream) return json(res, 200, response);
  const send = sse(res);
  let seq = 0;
  const ev = (type: string, data: Json) => send({ type, sequence_number: seq++, ...data }, type);
  ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  let outputIndex = 0;
  if (a.text) {
    ev('response.output_item.added', {
      output_index: outputIndex,
      item: { ...messageItem, status: 'in_progress', content: [] },
    });
    for (const [i, d] of deltas(a.text).entries()) {
      ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: d });
      if (cut && i === 0) return cutOff(res);
    }
    ev('response.output_item.done', { output_index: outputIndex, item: messageItem });
    outputIndex++;
  }
  if (cut) return cutOff(res);
  for (const item of fnItems) {
    ev('response.output_item.added', {
      output_index: outputIndex,
      item: { ...item, arguments: '', status: 'in_progress' },
    });
    ev('response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: outputIndex,
      delta: item.arguments,
    });
    ev('response.function_call_arguments.done', {
      item_id: item.id,
      output_index: outputIndex,
      arguments: item.arguments,
    });
    ev('response.output_item.done', { output_index: outputIndex, item });
    outputIndex++;
  }
  ev('response.completed', { response });
  res.end();
}

// ---------- Anthropic messages ----------

function anthropic(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
  const id = `msg_fake_${req.index}`;
  const model = req.model ?? 'fake';
  const stop_reason = a.toolCalls.length ? 'tool_use' : 'end_turn';
  const content: Json[] = [
    ...(a.text ? [{ type: 'text', text: a.text }] : []),
    ...a.toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.input ?? {} })),
  ];
  const usage = { input_tokens: a.usage.inputTokens, output_tokens: a.usage.outputTokens };
  if (!req.stream) {
    return json(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason,
      stop_sequence: null,
      usage,
    });
  }
  const send = sse(res);
  const ev = (type: string, data: Json) => send({ type, ...data }, type);
  ev('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
    },
  });
  let index = 0;
  if (a.text) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const [i, d] of deltas(a.text).entries()) {
      ev('content_block_delta', { index, delta: { type: 'text_delta', text: d } });
      if (cut && i === 0) return cutOff(res);
    }
    ev('content_block_stop', { index });
    index++;
  }
  if (cut) return cutOff(res);
  for (const c of a.toolCalls) {
    const args = JSON.stringify(c.input ?? {});
    const half = Math.ceil(args.length / 2);
    ev('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} },
    });
    ev('content_block_delta', {
      index,
      delta: { type: 'input_json_delta', partial_json: args.slice(0, half) },
    });
    ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args.slice(half) } });
    ev('content_block_stop', { index });
    index++;
  }
  ev('message_delta', {
    delta: { stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  ev('message_stop', {});
  res.end();
}

/** Close the connection mid-answer, after what was written so far has reached the client. */
function cutOff(res: ServerResponse): undefined {
  res.write('', () => setTimeout(() => res.destroy(), 20));
  return undefined;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): undefined {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  return undefined;
}

function errorBody(api: FakeApi | 'unknown', status: number, message: string): Json {
  if (api === 'anthropic') {
    const type = status === 429 ? 'rate_limit_error' : 'api_error';
    return { type: 'error', error: { type, message } };
  }
  return {
    error: {
      message,
      type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
      code: null,
      param: null,
    },
  };
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
  const sockets = new Set<Socket>();

  const server = createServer(async (httpReq, res) => {
    const raw = await readBody(httpReq);
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
  });

  function dispatch(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): void {
    if (req.api === 'openai-chat') openAiChat(req, a, res, cut);
    else if (req.api === 'openai-responses') openAiResponses(req, a, res, cut);
    else anthropic(req, a, res, cut);
  }

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
