import { generateText, type LanguageModel, type ModelMessage, streamText, type ToolSet } from 'ai';
import type { LlmToolCall, LlmUsage } from './types.js';

export interface AttemptInput {
  model: LanguageModel;
  system?: string;
  messages: ModelMessage[];
  tools?: ToolSet;
  stream: boolean;
  onText?: (delta: string) => void;
  maxOutputTokens?: number;
  temperature?: number;
  signal: AbortSignal;
  /** Called whenever bytes of the answer arrive (resets the idle timeout while streaming). */
  onActivity?: () => void;
}

export interface AttemptOutput {
  text: string;
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  finishReason: string;
}

/** Raised when a stream ends without its final event (the connection was cut). */
export class StreamCutError extends Error {
  constructor() {
    super('the response stream ended before the answer was complete');
    this.name = 'StreamCutError';
  }
}

const usageOf = (u: { inputTokens?: number; outputTokens?: number } | undefined): LlmUsage => ({
  inputTokens: u?.inputTokens ?? 0,
  outputTokens: u?.outputTokens ?? 0,
});

/**
 * One model call, no retries (the SDK's own retries are off so ours can honor retry-after
 * and log). Streaming uses `fullStream`: `streamText` does not throw on HTTP errors, the
 * error arrives as a part, and we rethrow it.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutput> {
  const common = {
    model: input.model,
    system: input.system,
    messages: input.messages,
    tools: input.tools,
    maxOutputTokens: input.maxOutputTokens,
    temperature: input.temperature,
    abortSignal: input.signal,
    maxRetries: 0,
  };
  if (!input.stream) {
    const r = await generateText(common);
    return {
      text: r.text,
      toolCalls: r.toolCalls.map((c) => ({ id: c.toolCallId, name: c.toolName, input: c.input })),
      usage: usageOf(r.usage),
      finishReason: r.finishReason,
    };
  }
  const r = streamText({ ...common, onError: () => {} });
  let text = '';
  const toolCalls: LlmToolCall[] = [];
  let finish: { usage: LlmUsage; finishReason: string } | undefined;
  for await (const part of r.fullStream) {
    input.onActivity?.();
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        input.onText?.(part.text);
        break;
      case 'tool-call':
        toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
        break;
      case 'error':
        throw part.error;
      case 'abort':
        throw input.signal.reason ?? new Error('aborted');
      case 'finish':
        finish = { usage: usageOf(part.totalUsage), finishReason: part.finishReason };
        break;
    }
  }
  if (!finish) throw new StreamCutError();
  return { text, toolCalls, ...finish };
}
