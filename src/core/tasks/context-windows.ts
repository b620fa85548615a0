/**
 * Context windows (input + output tokens) of common models, as published by the vendors.
 * Matched like prices: exact `provider:model`, else the longest `-`-bounded prefix, so
 * dated snapshots (`gpt-4o-2024-08-06`) match their base name. `[llm] contextWindows` in
 * config is merged over this table; `--context-window` wins over both.
 */
export const CONTEXT_WINDOWS: Record<string, number> = {
  'openai:gpt-4o': 128_000,
  'openai:gpt-4o-mini': 128_000,
  'openai:gpt-4.1': 1_047_576,
  'openai:gpt-4.1-mini': 1_047_576,
  'openai:gpt-4.1-nano': 1_047_576,
  'openai:gpt-5': 400_000,
  'openai:gpt-5-mini': 400_000,
  'openai:gpt-5-nano': 400_000,
  'openai:o3': 200_000,
  'openai:o3-mini': 200_000,
  'openai:o4-mini': 200_000,
  'anthropic:claude': 200_000,
};

/** Unknown hosted models: the common size of current models. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;
/**
 * Ollama serves whatever context the model was loaded with and silently drops the
 * start of a longer prompt, so assume a modest window; `--context-window` raises it.
 */
export const OLLAMA_CONTEXT_WINDOW = 32_768;

/** The context window of a `provider:model`, in tokens. */
export function contextWindowOf(model: string, table: Record<string, number> = CONTEXT_WINDOWS): number {
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
  }
  if (best) return table[best]!;
  return model.startsWith('ollama:') ? OLLAMA_CONTEXT_WINDOW : DEFAULT_CONTEXT_WINDOW;
}

/** Tokens kept free for the answer: an eighth of the window, at most 8k. */
export function answerReserve(window: number): number {
  return Math.min(8192, Math.floor(window / 8));
}
