import type { LanguageModel } from 'ai';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { KEY_ENV, resolveKey } from '../keys/index.js';
import { timedFetch } from './http-fetch.js';
import type { ModelRef } from './model-ref.js';

export interface ProviderTarget {
  model: LanguageModel;
  /** The API base URL (for error messages; never contains a key). */
  baseURL: string;
  /** Secret values to scrub from any text we print or store. */
  secrets: string[];
}

const DEFAULT_OPENAI = 'https://api.openai.com/v1';
const DEFAULT_ANTHROPIC = 'https://api.anthropic.com/v1';
const DEFAULT_OLLAMA = 'http://127.0.0.1:11434';

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * `@ai-sdk/anthropic` wants the base URL with `/v1`; the official SDK's ANTHROPIC_BASE_URL is
 * without it. Accept both.
 */
export function anthropicBaseURL(raw: string): string {
  const u = trimSlash(raw);
  return /\/v\d+$/.test(u) ? u : `${u}/v1`;
}

/** OLLAMA_HOST may be `host:port`, `http://host:port` or `0.0.0.0` (ollama's own convention). */
export function ollamaBaseURL(raw: string): string {
  let u = trimSlash(raw);
  if (!/^https?:\/\//.test(u)) u = `http://${u}`;
  if (!/:\d+$/.test(u.replace(/^https?:\/\//, ''))) u = `${u}:11434`;
  return `${u.replace('://0.0.0.0', '://127.0.0.1')}/v1`;
}

/** The base URL each built-in provider would use: env > config > default. */
export function builtInBaseURL(
  ctx: Pick<Context, 'env' | 'config'>,
  provider: 'openai' | 'anthropic' | 'ollama',
): string {
  const { env, config } = ctx;
  if (provider === 'openai')
    return trimSlash(env.OPENAI_BASE_URL || config.providers.openai.baseURL || DEFAULT_OPENAI);
  if (provider === 'anthropic') {
    return anthropicBaseURL(
      env.ANTHROPIC_BASE_URL || config.providers.anthropic.baseURL || DEFAULT_ANTHROPIC,
    );
  }
  return ollamaBaseURL(env.OLLAMA_HOST || config.providers.ollama.host || DEFAULT_OLLAMA);
}

function requireKey(ctx: Context, provider: string, envVar: string): string {
  const found = resolveKey(ctx, provider, envVar);
  if (found) return found.key;
  throw new UsageError(`no API key for ${provider}: ${envVar} is not set and no key is stored`, {
    code: 'E_NO_KEY',
    hint: `export ${envVar}=... or run \`specloop keys set ${provider}\``,
  });
}

/** Build the AI SDK model for a parsed model string (loads the provider package lazily). */
export async function createProviderModel(ctx: Context, ref: ModelRef): Promise<ProviderTarget> {
  const { config } = ctx;
  const fetch = timedFetch(config.llm.timeoutMs);
  switch (ref.provider) {
    case 'openai': {
      const apiKey = requireKey(ctx, 'openai', KEY_ENV.openai!);
      const baseURL = builtInBaseURL(ctx, 'openai');
      const { createOpenAI } = await import('@ai-sdk/openai');
      const openai = createOpenAI({ apiKey, baseURL, fetch });
      const model =
        config.providers.openai.api === 'responses'
          ? openai.responses(ref.modelId)
          : openai.chat(ref.modelId);
      return { model, baseURL, secrets: [apiKey] };
    }
    case 'anthropic': {
      const apiKey = requireKey(ctx, 'anthropic', KEY_ENV.anthropic!);
      const baseURL = builtInBaseURL(ctx, 'anthropic');
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return { model: createAnthropic({ apiKey, baseURL, fetch })(ref.modelId), baseURL, secrets: [apiKey] };
    }
    case 'ollama': {
      const baseURL = builtInBaseURL(ctx, 'ollama');
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      const provider = createOpenAICompatible({ name: 'ollama', baseURL, includeUsage: true, fetch });
      return { model: provider.chatModel(ref.modelId), baseURL, secrets: [] };
    }
    case 'openai-compatible': {
      const name = ref.compatibleName!;
      const entry = config.providers.compatible[name]!;
      const apiKey = entry.apiKeyEnv ? requireKey(ctx, name, entry.apiKeyEnv) : resolveKey(ctx, name)?.key;
      const baseURL = trimSlash(entry.baseURL);
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      const provider = createOpenAICompatible({ name, baseURL, apiKey, includeUsage: true, fetch });
      return { model: provider.chatModel(ref.modelId), baseURL, secrets: apiKey ? [apiKey] : [] };
    }
  }
}
