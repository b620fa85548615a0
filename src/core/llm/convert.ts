import { jsonSchema, type ModelMessage, type ToolSet } from 'ai';
import type { LlmMessage, LlmToolSpec } from './types.js';

/** Our provider-neutral history → AI SDK ModelMessages (tool calls and results included). */
export function toModelMessages(messages: LlmMessage[]): ModelMessage[] {
  return messages.map((m): ModelMessage => {
    if (m.role === 'user') return { role: 'user', content: m.content };
    if (m.role === 'assistant') {
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        content: [
          ...(m.content ? [{ type: 'text' as const, text: m.content }] : []),
          ...m.toolCalls.map((c) => ({
            type: 'tool-call' as const,
            toolCallId: c.id,
            toolName: c.name,
            input: c.input,
          })),
        ],
      };
    }
    return {
      role: 'tool',
      content: m.results.map((r) => ({
        type: 'tool-result' as const,
        toolCallId: r.toolCallId,
        toolName: r.toolName,
        output: r.isError
          ? { type: 'error-text' as const, value: r.output }
          : { type: 'text' as const, value: r.output },
      })),
    };
  });
}

/** Our JSON-schema tool specs → AI SDK tools without `execute`: the caller runs them. */
export function toSdkTools(tools: Record<string, LlmToolSpec> | undefined): ToolSet | undefined {
  if (!tools || Object.keys(tools).length === 0) return undefined;
  const out: ToolSet = {};
  for (const [name, spec] of Object.entries(tools)) {
    out[name] = { description: spec.description, inputSchema: jsonSchema(spec.inputSchema as never) };
  }
  return out;
}

/** The prompt as plain text, for the call log. */
export function promptText(system: string | undefined, messages: LlmMessage[]): string {
  const parts: string[] = [];
  if (system) parts.push(`[system]\n${system}`);
  for (const m of messages) {
    if (m.role === 'tool') {
      for (const r of m.results) parts.push(`[tool ${r.toolName}${r.isError ? ' error' : ''}]\n${r.output}`);
    } else {
      const calls = m.role === 'assistant' ? (m.toolCalls ?? []) : [];
      const text = [m.content, ...calls.map((c) => `→ ${c.name}(${JSON.stringify(c.input)})`)]
        .filter(Boolean)
        .join('\n');
      parts.push(`[${m.role}]\n${text}`);
    }
  }
  return parts.join('\n\n');
}

/** A response as plain text, for the call log: the text, then any tool calls. */
export function responseText(text: string, toolCalls: { name: string; input: unknown }[]): string {
  return [text, ...toolCalls.map((c) => `→ ${c.name}(${JSON.stringify(c.input)})`)]
    .filter(Boolean)
    .join('\n');
}
