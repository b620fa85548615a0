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
import { REPOMIX_CONFIG, type RepomixConfig, readRepomixConfig } from '../pack/repomix-config.js';
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
  /** Convert `./repomix.config.json` into `[pack]` keys. */
  fromRepomix?: boolean;
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
  /** With `fromRepomix`: repomix key → [pack] key converted, and keys with no equivalent. */
  repomix?: { converted: [string, string][]; unmapped: string[] };
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
  const repomix = opts.fromRepomix ? repomixPack(ctx.cwd) : undefined;
  const explicit = opts.testCommand?.trim();
  const detected = explicit ? { command: explicit, source: '--test-cmd' } : detectTestCommand(ctx.cwd);
  const model = ctx.config.models.default;
  const rendered = renderConfigToml({
    defaults: makeConfig({}) as unknown as Record<string, unknown>,
    model,
    testCommand: detected?.command,
    testSource: detected?.source,
  });
  const text = repomix ? withPackKeys(rendered, repomix.pack) : rendered;
  await atomicWrite(configPath, text);
  const gitignore = await ensureGitignore(ctx.cwd);
  return {
    configPath,
    overwritten: exists,
    model,
    testCommand: detected?.command,
    testSource: detected?.source,
    gitignore,
    ...(repomix ? { repomix: { converted: repomix.mapped, unmapped: repomix.unmapped } } : {}),
  };
}

function repomixPack(dir: string): RepomixConfig {
  const rc = readRepomixConfig(dir);
  if (!rc) {
    throw new UsageError(`no ${REPOMIX_CONFIG} in ${dir}`, {
      code: 'E_NO_REPOMIX',
      hint: 'run it where repomix.config.json is, or drop --from-repomix',
    });
  }
  if (rc.error) {
    throw new UsageError(`cannot read ${rc.file}: ${rc.error}`, {
      code: 'E_REPOMIX_CONFIG',
      hint: 'fix the JSON (comments are not allowed in .json), then run again',
    });
  }
  return rc;
}

/** The rendered config with converted keys set right under `[pack]` (the commented defaults stay). */
function withPackKeys(toml: string, pack: Record<string, unknown>): string {
  const lines = Object.entries(pack).map(([k, v]) => `${k} = ${JSON.stringify(v)}  # from ${REPOMIX_CONFIG}`);
  if (lines.length === 0) return toml;
  return toml.replace(/^\[pack\]\n/m, (h) => `${h}${lines.join('\n')}\n`);
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
