import { defaultConfig } from './defaults.js';
import { checkEndpointUrls } from './endpoint-urls.js';
import { configFiles, deepMerge, envLayer } from './layers.js';
import type { LoadConfigOptions, LoadedConfig } from './load.js';
import type { Config } from './schema.js';

/**
 * `loadConfig` for a command starting up: the same result, but the schema (zod, 30-40 ms
 * to load) and the TOML parser are imported only when there is a config file for them to
 * read. Without one there is nothing to validate: the defaults are `defaultConfig()`,
 * SPECLOOP_MODEL may be any string and a flag's value is valid by its parser
 * (cli/pack-args.ts) — so `specloop pack` in a directory without a specloop.toml starts
 * without zod. Keep this module's imports zod-free (test/core/config/lazy-load.test.ts).
 */
export async function loadConfigLazily(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const files = configFiles(opts);
  if (files.global || files.project) return (await import('./load.js')).loadConfig(opts);
  const layered = deepMerge(envLayer(opts.env), opts.overrides ?? {});
  const config = deepMerge(defaultConfig(), layered) as unknown as Config;
  checkEndpointUrls(config, opts.env);
  return { config, sources: [], projectRoot: undefined, taskOrigins: {}, project: undefined };
}
