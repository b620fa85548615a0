import type { Config, PackConfig } from './schema.js';

/**
 * The schema's facts as plain data, for commands that start without a config file: the
 * whole default configuration and the `[pack]` key names. Zod is ~750 KB of code and
 * 30-40 ms to load and build; importing this module must never load it (type imports only).
 * test/core/config/defaults.test.ts keeps both equal to schema.ts: change them together.
 */

/** What `configSchema.parse({})` gives. Read it through `defaultConfig()`, which copies it. */
const DEFAULT_CONFIG: Config = {
  models: { default: 'openai:gpt-4o-mini' },
  providers: { openai: { api: 'chat' }, anthropic: {}, ollama: {}, compatible: {} },
  llm: { timeoutMs: 120_000, maxRetries: 3, retryBaseMs: 1000, log: true, contextWindows: {} },
  prices: {},
  test: { timeoutSec: 600, files: [], passEnv: [], sandbox: false },
  run: {
    executor: 'builtin',
    maxAttempts: 3,
    branchPrefix: 'specloop/',
    tdd: true,
    maxToolCalls: 40,
    notify: 'auto',
    notifyAfterSec: 30,
    review: false,
    allowSecretsInRetry: false,
  },
  pack: {
    style: 'xml',
    output: 'output.txt',
    include: [],
    ignore: [],
    gitignore: true,
    defaultIgnore: true,
    maxFileSize: 1_000_000,
    securityCheck: true,
    encoding: 'o200k_base',
    lineNumbers: false,
    removeComments: false,
    top: 5,
    gitDiff: false,
    gitLog: 0,
    cache: true,
    fileSummary: true,
    directoryStructure: true,
    files: true,
    removeEmptyLines: false,
    truncateBase64: false,
    dotIgnore: true,
    compress: false,
  },
  tasks: {},
  github: { labels: [] },
  team: { remote: 'origin', leaseSeconds: 300, linkIgnored: ['node_modules', '.venv', 'venv'] },
  board: { fetchIntervalSec: 10, port: 4177 },
  task: { outputDir: '.specloop/out' },
  confirmCostOver: 0.5,
};

/** The default configuration, a fresh copy each call (callers may change theirs). */
export function defaultConfig(): Config {
  return structuredClone(DEFAULT_CONFIG);
}

/** Every `[pack]` key, in the schema's order (optional ones too: they have no default above). */
export const PACK_KEYS = [
  'style',
  'output',
  'include',
  'ignore',
  'gitignore',
  'defaultIgnore',
  'maxFileSize',
  'securityCheck',
  'encoding',
  'lineNumbers',
  'removeComments',
  'header',
  'instructions',
  'top',
  'tokenBudget',
  'splitTokens',
  'gitDiff',
  'gitLog',
  'cache',
  'fileSummary',
  'directoryStructure',
  'files',
  'removeEmptyLines',
  'truncateBase64',
  'dotIgnore',
  'compress',
  'maxTokens',
] as const satisfies readonly (keyof PackConfig)[];
