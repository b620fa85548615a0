import type { Context } from '../context.js';
import { KEY_ENV, resolveKey } from '../keys/index.js';
import { resolveModelSpec } from './model-ref.js';
import { BUILT_IN_PRICES, type Price } from './prices.js';
import { builtInBaseURL } from './providers.js';
import type { Role } from './types.js';

export interface ProviderInfo {
  /** What goes before the colon of a model string (`openai-compatible:NAME` for named endpoints). */
  name: string;
  baseURL: string;
  /** Where its key comes from: `env`, `store`, `missing`, or `none` (not needed). */
  key: 'env' | 'store' | 'missing' | 'none';
  keyEnv?: string;
  /** openai only: `chat` (chat completions) or `responses`. */
  api?: string;
}

export interface ModelsInfo {
  providers: ProviderInfo[];
  /** Each role → the model it resolves to, and the config key that set it. */
  roles: { role: Role; model: string; from: string }[];
  prices: ({ model: string; source: 'built-in' | 'config' } & Price)[];
}

function keyState(ctx: Context, provider: string, envVar?: string, optional = false): ProviderInfo['key'] {
  const found = resolveKey(ctx, provider, envVar);
  if (found) return found.source;
  return optional ? 'none' : 'missing';
}

/** What `specloop models` shows: providers (URL, key source), roles → models, the price table. */
export function describeModels(ctx: Context): ModelsInfo {
  const { config } = ctx;
  const providers: ProviderInfo[] = [
    {
      name: 'openai',
      baseURL: builtInBaseURL(ctx, 'openai'),
      key: keyState(ctx, 'openai', KEY_ENV.openai),
      keyEnv: KEY_ENV.openai,
      api: config.providers.openai.api,
    },
    {
      name: 'anthropic',
      baseURL: builtInBaseURL(ctx, 'anthropic'),
      key: keyState(ctx, 'anthropic', KEY_ENV.anthropic),
      keyEnv: KEY_ENV.anthropic,
    },
    { name: 'ollama', baseURL: builtInBaseURL(ctx, 'ollama'), key: 'none' },
    ...Object.entries(config.providers.compatible).map(([name, p]) => ({
      name: `openai-compatible:${name}`,
      baseURL: p.baseURL,
      key: keyState(ctx, name, p.apiKeyEnv, !p.apiKeyEnv),
      keyEnv: p.apiKeyEnv,
    })),
  ];
  const roles = (['default', 'brainstorm', 'plan', 'code'] as const).map((role) => ({
    role,
    model: resolveModelSpec(config, { role }),
    from: config.models[role] ? `models.${role}` : 'models.default',
  }));
  const prices = Object.entries({ ...BUILT_IN_PRICES, ...config.prices })
    .map(([model, p]) => ({
      model,
      source: model in config.prices ? ('config' as const) : ('built-in' as const),
      ...p,
    }))
    .sort((a, b) => a.model.localeCompare(b.model));
  return { providers, roles, prices };
}
