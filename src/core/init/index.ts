/**
 * `specloop init`: write a commented specloop.toml (test command detected) and make
 * .gitignore ignore specloop's runtime files. Also `--show-config`: the merged config.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { loadConfig, makeConfig, PROJECT_CONFIG } from '../config/index.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { detectTestCommand } from './detect-test.js';
import { ensureGitignore, type GitignoreResult } from './gitignore.js';
import { renderConfigToml } from './render-config.js';

export { type DetectedTest, detectTestCommand } from './detect-test.js';
export { ensureGitignore, GITIGNORE_LINES, type GitignoreResult } from './gitignore.js';
export { renderConfigToml } from './render-config.js';
export { type KeyInfo, schemaKeys } from './schema-keys.js';

export interface InitOptions {
  /** Overwrite an existing specloop.toml. */
  force?: boolean;
  /** Use this test command instead of detecting one. */
  testCommand?: string;
}

export interface InitResult {
  /** The specloop.toml written. */
  configPath: string;
  /** True when an existing file was replaced (`--force`). */
  overwritten: boolean;
  model: string;
  testCommand?: string;
  /** `--test-cmd` or the file it was detected from; undefined when none was found. */
  testSource?: string;
  gitignore: GitignoreResult;
}

/** Write `<cwd>/specloop.toml` and update `<cwd>/.gitignore`. Refuses to overwrite without `force`. */
export async function initProject(ctx: Context, opts: InitOptions = {}): Promise<InitResult> {
  const configPath = join(ctx.cwd, PROJECT_CONFIG);
  const exists = existsSync(configPath);
  if (exists && !opts.force) {
    throw new UsageError(`${configPath} already exists`, {
      code: 'E_EXISTS',
      hint: 'edit it, or run `specloop init --force` to replace it with a fresh commented one',
    });
  }
  const explicit = opts.testCommand?.trim();
  const detected = explicit ? { command: explicit, source: '--test-cmd' } : detectTestCommand(ctx.cwd);
  const model = ctx.config.models.default;
  const text = renderConfigToml({
    defaults: makeConfig({}) as unknown as Record<string, unknown>,
    model,
    testCommand: detected?.command,
    testSource: detected?.source,
  });
  await atomicWrite(configPath, text);
  const gitignore = await ensureGitignore(ctx.cwd);
  return {
    configPath,
    overwritten: exists,
    model,
    testCommand: detected?.command,
    testSource: detected?.source,
    gitignore,
  };
}

/** The merged configuration and where it came from (`specloop init --show-config`). */
export function showConfig(ctx: Pick<Context, 'cwd' | 'env' | 'home'>): {
  sources: string[];
  env: string[];
  projectRoot?: string;
  config: unknown;
} {
  const loaded = loadConfig({ cwd: ctx.cwd, env: ctx.env, home: ctx.home });
  // Only the variables that map onto config keys; never print values of others (keys!).
  const env = ['SPECLOOP_MODEL'].filter((n) => ctx.env[n]);
  return { sources: loaded.sources, env, projectRoot: loaded.projectRoot, config: loaded.config };
}
