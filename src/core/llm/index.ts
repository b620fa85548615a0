import type { Context } from '../context.js';
import { createClient } from './client.js';
import type { LlmClient } from './types.js';

export { type AskOptions, ask, estimateInputCost } from './ask.js';
export { scrub } from './client.js';
export { KNOWN_PROVIDERS, type ModelRef, parseModelRef, resolveModelSpec } from './model-ref.js';
export { describeModels, type ModelsInfo, type ProviderInfo } from './models-info.js';
export { BUILT_IN_PRICES, costOf, type Price, priceOf, priceTable } from './prices.js';
export type { NormalisedRequest, RecordLine } from './recording.js';
export type * from './types.js';

/**
 * Create the LLM client for a context: AI SDK providers (openai, anthropic, ollama,
 * openai-compatible), retries with backoff honoring retry-after, a request timeout,
 * usage and cost, record/replay (ctx.llmOptions) and the SQLite call log.
 */
export async function createLlmClient(ctx: Context): Promise<LlmClient> {
  return createClient(ctx);
}
