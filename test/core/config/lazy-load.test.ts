import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { PACK_KEYS } from '../../../src/core/config/defaults.js';
import { loadConfigLazily } from '../../../src/core/config/lazy-load.js';
import { loadConfig } from '../../../src/core/config/load.js';
import { UsageError } from '../../../src/core/errors.js';
import { useCleanups } from '../../support/cleanups.js';

/** A value for every [pack] key, each unlike its default (what flags could set). */
const PACK_FLAGS = {
  style: 'markdown',
  output: 'ctx.md',
  include: ['src/**'],
  ignore: ['*.snap'],
  gitignore: false,
  defaultIgnore: false,
  maxFileSize: 2048,
  securityCheck: false,
  encoding: 'cl100k_base',
  lineNumbers: true,
  removeComments: true,
  header: 'hi',
  instructions: 'notes.md',
  top: 0,
  tokenBudget: 1000,
  splitTokens: 5000,
  gitDiff: true,
  gitLog: 3,
  cache: false,
  fileSummary: false,
  directoryStructure: false,
  files: false,
  removeEmptyLines: true,
  truncateBase64: true,
  dotIgnore: false,
  compress: true,
  maxTokens: 9000,
} satisfies Record<(typeof PACK_KEYS)[number], unknown>;

describe('loadConfigLazily', () => {
  const cleanups = useCleanups();
  const dirs = () => ({ cwd: cleanups.tmp(), home: cleanups.tmp() });

  it('without a config file: what loadConfig gives, for env and flag layers too', async () => {
    const { cwd, home } = dirs();
    for (const [env, overrides] of [
      [{}, undefined],
      [{ SPECLOOP_MODEL: 'anthropic:claude-sonnet-4-5' }, { pack: {} }],
      [{}, { pack: PACK_FLAGS }],
    ] as const) {
      const opts = { cwd, home, env, overrides, checkTrust: true };
      expect(await loadConfigLazily(opts)).toStrictEqual(loadConfig(opts));
    }
  });

  it('without a config file: the same refusal of a password in a provider URL', async () => {
    const { cwd, home } = dirs();
    const opts = { cwd, home, env: { OPENAI_BASE_URL: 'https://u:secret@example.com/v1' } };
    expect(() => loadConfig(opts)).toThrow(UsageError);
    await expect(loadConfigLazily(opts)).rejects.toThrow(/OPENAI_BASE_URL contains a password/);
  });

  it('with a config file: the same config, and the same error for an invalid one', async () => {
    const { cwd, home } = dirs();
    writeFileSync(join(home, 'config.toml'), '[pack]\nstyle = "plain"\n');
    const opts = { cwd, home, env: {}, overrides: { pack: { top: 9 } } };
    expect(await loadConfigLazily(opts)).toStrictEqual(loadConfig(opts));
    writeFileSync(join(cwd, 'specloop.toml'), '[run]\nexecutor = "robot"\n');
    const message = (() => {
      try {
        loadConfig(opts);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('run.executor');
    await expect(loadConfigLazily(opts)).rejects.toThrow(message);
  });

  it('loads the schema (zod) only when there is a file to validate', async () => {
    const schema = '../../../src/core/config/schema.js';
    let loaded = false;
    vi.resetModules();
    vi.doMock(schema, async (original) => {
      loaded = true;
      return original();
    });
    try {
      const lazy = await import('../../../src/core/config/lazy-load.js');
      const { cwd, home } = dirs();
      const { config } = await lazy.loadConfigLazily({ cwd, home, env: {}, overrides: { pack: { top: 1 } } });
      expect(config.pack).toMatchObject({ style: 'xml', top: 1 });
      expect(loaded).toBe(false);
      writeFileSync(join(cwd, 'specloop.toml'), '[pack]\ntop = 2\n');
      expect((await lazy.loadConfigLazily({ cwd, home, env: {} })).config.pack.top).toBe(2);
      expect(loaded).toBe(true);
    } finally {
      vi.doUnmock(schema);
      vi.resetModules();
    }
  });
});
