import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { LlmClient } from './types.js';

export type * from './types.js';

/** Create the LLM client for a context (providers, retries, record/replay, call log). */
export async function createLlmClient(_ctx: Context): Promise<LlmClient> {
  throw new UsageError('the LLM layer is not built yet');
}
