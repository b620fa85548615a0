export type { LoadConfigOptions, LoadedConfig } from './load.js';
export { deepMerge, findProjectConfig, loadConfig, makeConfig, PROJECT_CONFIG } from './load.js';
export type { Config, ConfigInput, PackConfig, TaskConfig } from './schema.js';
export { configSchema, packSchema, taskSchema } from './schema.js';
