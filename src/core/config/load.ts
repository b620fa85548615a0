import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { checkEndpointUrls } from './endpoint-urls.js';
import { configFiles, deepMerge, envLayer } from './layers.js';
import { type Config, configSchema } from './schema.js';
import { checkTrust } from './trust.js';

export interface LoadConfigOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The config dir (`SPECLOOP_HOME` or ~/.config/specloop). */
  home: string;
  /** Flag-level overrides, already shaped like the config (deep-merged last). */
  overrides?: Record<string, unknown>;
  /**
   * Refuse a project specloop.toml whose credential- or command-routing keys are not
   * trusted (config/trust.ts). The CLI turns it on for every command but `trust`.
   */
  checkTrust?: boolean;
}

export interface LoadedConfig {
  config: Config;
  /** Files that contributed, lowest precedence first. */
  sources: string[];
  /** Directory of the nearest specloop.toml, or undefined. */
  projectRoot?: string;
  /** Where each task was defined: `built-in`, the global file, or the project file. */
  taskOrigins: Record<string, string>;
  /** The project file's text and parsed data (for trust and the test-command notice). */
  project?: { file: string; text: string; data: Record<string, unknown> };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function readToml(file: string): { text: string; data: Obj } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`, { code: 'E_CONFIG' });
  }
  try {
    return { text, data: parseToml(text) as Obj };
  } catch (err) {
    const where = err instanceof TomlError ? `:${err.line}:${err.column}` : '';
    const msg = err instanceof TomlError ? err.message.split('\n')[0] : (err as Error).message;
    throw new UsageError(`invalid TOML in ${file}${where}: ${msg}`, {
      code: 'E_CONFIG',
      hint: 'fix the file, or replace it with a fresh commented one: `specloop init --force`',
    });
  }
}

function describeIssues(file: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const key = i.path.join('.') || '(root)';
      return `${file}: ${key}: ${i.message}`;
    })
    .join('\n');
}

/** Validate one layer on its own, so the error names the file that is wrong. */
function validateLayer(file: string, data: Obj): void {
  const res = configSchema.safeParse(data);
  if (!res.success) {
    throw new UsageError(`invalid configuration\n${describeIssues(file, res.error)}`, {
      code: 'E_CONFIG',
      hint: 'fix or remove the key; `specloop init --force` writes a fresh commented file',
    });
  }
}

/**
 * Load and merge the configuration. Each file is validated on its own first (so an error
 * names its file and key), then the merged result is validated and defaulted. Loads the
 * schema (zod): a command starting up goes through `loadConfigLazily` instead.
 */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const sources: string[] = [];
  const taskOrigins: Record<string, string> = {};
  let merged: Obj = {};
  let project: LoadedConfig['project'];
  const layer = (file: string, isProject: boolean) => {
    const { text, data } = readToml(file);
    validateLayer(file, data);
    if (isProject) {
      if (opts.checkTrust) checkTrust({ home: opts.home, file, text, data });
      project = { file, text, data };
    }
    for (const name of Object.keys(isObj(data.tasks) ? data.tasks : {})) taskOrigins[name] = file;
    merged = deepMerge(merged, data);
    sources.push(file);
  };
  const { global: globalFile, project: projectFile } = configFiles(opts);
  if (globalFile) layer(globalFile, false);
  if (projectFile) layer(projectFile, true);
  merged = deepMerge(merged, envLayer(opts.env));
  if (opts.overrides) merged = deepMerge(merged, opts.overrides);
  const res = configSchema.safeParse(merged);
  if (!res.success) {
    throw new UsageError(`invalid configuration\n${describeIssues('(flags/env)', res.error)}`, {
      code: 'E_CONFIG',
    });
  }
  checkEndpointUrls(res.data, opts.env);
  return {
    config: res.data,
    sources,
    projectRoot: projectFile ? dirname(projectFile) : undefined,
    taskOrigins,
    project,
  };
}

/** Defaults only: handy for tests (`makeConfig(partial)`). */
export function makeConfig(partial: Record<string, unknown> = {}): Config {
  return configSchema.parse(partial);
}
