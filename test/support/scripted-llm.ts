import type { LlmClient, LlmRequest, LlmResponse, LlmToolCall, Role } from '../../src/core/llm/types.js';

/** One scripted reply: text, tool calls, or a function of the request. */
export type ScriptedReply =
  | string
  | { text?: string; toolCalls?: Omit<LlmToolCall, 'id'>[] & { id?: string }[] }
  | Error
  | ((req: LlmRequest, index: number) => string | { text?: string; toolCalls?: LlmToolCall[] });

/**
 * In-process fake LLM for unit tests. Takes a list of replies (one per call), records
 * every request, and fails loudly — printing the unexpected request — when the script
 * runs out. Integration tests use the wire-level fake server instead.
 */
export function createScriptedLlm(
  replies: ScriptedReply[],
  opts: { model?: string } = {},
): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  const model = opts.model ?? 'fake:scripted';
  return {
    requests,
    resolveModel: ({ model: m }: { model?: string; role?: Role }) => m ?? model,
    async generate(req: LlmRequest): Promise<LlmResponse> {
      const index = requests.length;
      requests.push(structuredClone({ ...req, onText: undefined, signal: undefined }));
      const reply = replies[index];
      if (reply === undefined) {
        throw new Error(
          `scripted LLM: no reply scripted for call #${index + 1}; request was:\n${JSON.stringify(
            { system: req.system, messages: req.messages, tools: Object.keys(req.tools ?? {}) },
            null,
            2,
          )}`,
        );
      }
      if (reply instanceof Error) throw reply;
      const value = typeof reply === 'function' ? reply(req, index) : reply;
      const text = typeof value === 'string' ? value : (value.text ?? '');
      const toolCalls = (typeof value === 'string' ? [] : (value.toolCalls ?? [])).map((c, i) => ({
        id: (c as LlmToolCall).id ?? `call_${index}_${i}`,
        name: c.name,
        input: c.input,
      }));
      if (req.stream && req.onText && text) req.onText(text);
      return {
        text,
        toolCalls,
        model: req.model ?? model,
        usage: { inputTokens: 10, outputTokens: Math.max(1, Math.ceil(text.length / 4)) },
        cost: null,
        finishReason: toolCalls.length ? 'tool-calls' : 'stop',
        durationMs: 1,
      };
    },
  };
}
