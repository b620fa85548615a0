import type { FakeApi, FakeRequest } from './fake-llm-server.js';

// How the fake LLM turns each provider's request body into plain {role, content} text.

// biome-ignore lint/suspicious/noExplicitAny: wire JSON from arbitrary clients, read loosely
export type Json = Record<string, any>;

/** Render one content value (string or array of parts) as plain text. */
export function partsText(content: unknown): string {
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

export function normaliseOpenAiChat(body: Json): FakeRequest['messages'] {
  return (body.messages ?? []).map((m: Json) => {
    let content = partsText(m.content);
    for (const c of m.tool_calls ?? []) content += `[tool_call ${c.function?.name} ${c.function?.arguments}]`;
    return { role: m.role, content };
  });
}

export function normaliseResponses(body: Json): FakeRequest['messages'] {
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

export function normaliseAnthropic(body: Json): FakeRequest['messages'] {
  const out: FakeRequest['messages'] = [];
  if (body.system) out.push({ role: 'system', content: partsText(body.system) });
  for (const m of (body.messages ?? []) as Json[]) {
    const parts = Array.isArray(m.content) ? m.content : [];
    const onlyResults = parts.length > 0 && parts.every((p: Json) => p.type === 'tool_result');
    out.push({ role: onlyResults ? 'tool' : m.role, content: partsText(m.content) });
  }
  return out;
}

export function toolNames(api: FakeApi | 'unknown', body: Json): string[] {
  const tools: Json[] = Array.isArray(body?.tools) ? body.tools : [];
  if (api === 'openai-chat') return tools.map((t) => t.function?.name ?? t.name);
  return tools.map((t) => t.name);
}

export function apiOf(path: string): FakeApi | 'unknown' {
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/messages')) return 'anthropic';
  return 'unknown';
}
