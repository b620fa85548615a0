export { defaultConfig, PACK_KEYS } from './defaults.js';
export { deepMerge, findProjectConfig, PROJECT_CONFIG } from './layers.js';
export { loadConfigLazily } from './lazy-load.js';
export type { LoadConfigOptions, LoadedConfig } from './load.js';
export { loadConfig, makeConfig } from './load.js';
export type { Config, ConfigInput, PackConfig, TaskConfig } from './schema.js';
export { configSchema, packSchema, taskSchema } from './schema.js';
