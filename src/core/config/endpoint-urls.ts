import { redact } from '../../util/redact.js';
import { UsageError } from '../errors.js';
import type { Config } from './schema.js';

/**
 * Refuse (exit 2) a provider URL that carries a password (`https://user:pass@host`): the HTTP
 * client cannot send it (fetch rejects such URLs, which looked like a network failure and was
 * retried), and every message that names the URL would print it. The key belongs in
 * `specloop keys` or the provider's key variable.
 */
export function checkEndpointUrls(config: Config, env: Record<string, string | undefined>): void {
  const urls: [string, string | undefined][] = [
    ['OPENAI_BASE_URL', env.OPENAI_BASE_URL],
    ['ANTHROPIC_BASE_URL', env.ANTHROPIC_BASE_URL],
    ['OLLAMA_HOST', env.OLLAMA_HOST],
    ['providers.openai.baseURL', config.providers.openai.baseURL],
    ['providers.anthropic.baseURL', config.providers.anthropic.baseURL],
    ['providers.ollama.host', config.providers.ollama.host],
    ...Object.entries(config.providers.compatible).map(
      ([name, p]) => [`providers.compatible.${name}.baseURL`, p.baseURL] as [string, string],
    ),
  ];
  for (const [where, url] of urls) {
    if (!url || !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(url)) continue;
    throw new UsageError(`${where} contains a password (${redact(url)})`, {
      code: 'E_CONFIG',
      hint: 'remove the user:password@ part; store the key with `specloop keys set PROVIDER` or its API key variable',
    });
  }
}
