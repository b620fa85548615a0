import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { BUILT_IN_PRICES } from './prices.js';

/**
 * A model named without its provider (`-m gpt-4o`, `models.default = "sonnet"`), the way
 * llm and aider accept it: `[models.aliases]` first, then the known-model table (the
 * built-in and configured prices). Resolved only when exactly one provider has the name;
 * a spec with a provider is returned unchanged.
 */
export function expandBareModel(spec: string, config: Config): string {
  if (spec.includes(':')) return spec;
  const alias = config.models.aliases?.[spec];
  if (alias) return alias.includes(':') ? alias : fromTable(alias, config);
  return fromTable(spec, config);
}

function fromTable(name: string, config: Config): string {
  const known = Object.keys({ ...BUILT_IN_PRICES, ...config.prices });
  const matches = known.filter((k) => k.slice(k.indexOf(':') + 1) === name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UsageError(`model "${name}" is ambiguous: ${matches.join(', ')}`, {
      code: 'E_PROVIDER',
      hint: `name the provider (${matches[0]}), or add an alias under [models.aliases] in specloop.toml`,
    });
  // Unknown: parseModelRef explains the provider:model form.
  return name;
}
