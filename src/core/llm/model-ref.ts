import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { expandBareModel } from './bare-model.js';
import type { Role } from './types.js';

/** Providers a model string may name. */
export const KNOWN_PROVIDERS = ['openai', 'anthropic', 'ollama', 'openai-compatible'] as const;
export type ProviderName = (typeof KNOWN_PROVIDERS)[number];

export interface ModelRef {
  provider: ProviderName;
  /** The id sent to the API. */
  modelId: string;
  /** For `openai-compatible:<name>[:<model>]`: the `[providers.compatible.<name>]` entry. */
  compatibleName?: string;
  /** The full `provider:model` string, as given. */
  spec: string;
}

/**
 * Parse `provider:model`. Model ids may contain `:` (ollama's `qwen2.5-coder:7b`), so only the
 * first colon splits. `openai-compatible:<name>:<model>` names a configured endpoint and a model;
 * `openai-compatible:<name>` uses the endpoint's configured `model`, else sends `<name>` as the model id.
 */
export function parseModelRef(spec: string, config?: Config): ModelRef {
  const at = spec.indexOf(':');
  const provider = at > 0 ? spec.slice(0, at) : '';
  const rest = at > 0 ? spec.slice(at + 1) : '';
  if (!(KNOWN_PROVIDERS as readonly string[]).includes(provider)) {
    throw new UsageError(
      at > 0
        ? `unknown provider "${provider}" in model "${spec}"`
        : `model "${spec}" has no provider (expected provider:model)`,
      {
        code: 'E_PROVIDER',
        hint: `known providers: ${KNOWN_PROVIDERS.join(', ')} — e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5`,
      },
    );
  }
  if (!rest) {
    throw new UsageError(`model "${spec}" has no model name`, {
      code: 'E_PROVIDER',
      hint: `write it as ${provider}:MODEL`,
    });
  }
  if (provider !== 'openai-compatible') return { provider: provider as ProviderName, modelId: rest, spec };
  const colon = rest.indexOf(':');
  const name = colon > 0 ? rest.slice(0, colon) : rest;
  // Without an explicit model, the endpoint's configured `model` (else its name) is the model id.
  const modelId = colon > 0 ? rest.slice(colon + 1) : (config?.providers.compatible[name]?.model ?? rest);
  const configured = Object.keys(config?.providers.compatible ?? {});
  if (config && !configured.includes(name)) {
    throw new UsageError(`no openai-compatible endpoint named "${name}" is configured`, {
      code: 'E_PROVIDER',
      hint: configured.length
        ? `configured: ${configured.join(', ')}`
        : `add one to specloop.toml:\n  [providers.compatible.${name}]\n  baseURL = "http://localhost:8000/v1"`,
    });
  }
  return { provider: 'openai-compatible', modelId, compatibleName: name, spec };
}

/** The model string for a request: explicit model > `models.<role>` > `models.default`. */
export function resolveModelSpec(config: Config, opts: { model?: string; role?: Role }): string {
  return expandBareModel(pickModelSpec(config, opts), config);
}

function pickModelSpec(config: Config, opts: { model?: string; role?: Role }): string {
  if (opts.model) return opts.model;
  if (opts.role && opts.role !== 'default') {
    const m = config.models[opts.role];
    if (m) return m;
  }
  return config.models.default;
}
