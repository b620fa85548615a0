import type { ServerResponse } from 'node:http';
import type { Json } from './fake-llm-normalise.js';
import type { FakeApi, FakeFault, FakeReplyValue, FakeRequest, FakeToolCall } from './fake-llm-server.js';

// The fake LLM's answers on the wire: OpenAI chat completions, OpenAI Responses and Anthropic
// messages, as JSON or SSE, with tool calls, and cut off mid-stream on request.

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

export interface Answer {
  text: string;
  toolCalls: Required<FakeToolCall>[];
  usage: { inputTokens: number; outputTokens: number };
}

export function toAnswer(value: Exclude<FakeReplyValue, FakeFault>, req: FakeRequest): Answer {
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

export function sse(res: ServerResponse): (data: unknown, event?: string) => void {
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

export function openAiChat(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
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

export function openAiResponses(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
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

export function anthropic(req: FakeRequest, a: Answer, res: ServerResponse, cut: boolean): undefined {
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
export function cutOff(res: ServerResponse): undefined {
  res.write('', () => setTimeout(() => res.destroy(), 20));
  return undefined;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): undefined {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  return undefined;
}

export function errorBody(api: FakeApi | 'unknown', status: number, message: string): Json {
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
