/**
 * The one LLM interface every command uses. Provider-neutral, data in / data out.
 * Implementations: the AI SDK-backed client (src/core/llm/client.ts), replay from a
 * recording, and the scripted in-process fake for unit tests (test/support/scripted-llm.ts).
 */
export type Role = 'default' | 'brainstorm' | 'plan' | 'code';

export interface LlmToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments as the model sent them (unvalidated). */
  input: unknown;
}

export interface LlmToolResult {
  toolCallId: string;
  toolName: string;
  /** What the model sees as the tool's output (text; errors included). */
  output: string;
  isError?: boolean;
}

export type LlmMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; results: LlmToolResult[] };

export interface LlmToolSpec {
  description: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
}

export interface LlmRequest {
  /** `provider:model`; when absent the model is resolved from `role` via config. */
  model?: string;
  role?: Role;
  system?: string;
  messages: LlmMessage[];
  tools?: Record<string, LlmToolSpec>;
  /** Stream text deltas to `onText` as they arrive. */
  stream?: boolean;
  onText?: (delta: string) => void;
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** For the call log: which command/template made the call. */
  command?: string;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResponse {
  text: string;
  toolCalls: LlmToolCall[];
  /** The resolved `provider:model`. */
  model: string;
  usage: LlmUsage;
  /** USD, or null when the model has no known price. */
  cost: number | null;
  finishReason: string;
  durationMs: number;
}

export interface LlmClient {
  generate(req: LlmRequest): Promise<LlmResponse>;
  /** Resolve the model string a request would use (role → config → default). */
  resolveModel(opts: { model?: string; role?: Role }): string;
  /**
   * Check, without calling the model, that a request with these options could be sent:
   * the model string parses and its provider has a key. Commands that write before their
   * first model call use it so a missing key fails with nothing written.
   */
  preflight?(opts: { model?: string; role?: Role }): Promise<void>;
}
