import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keysPath, listKeys, removeKey, resolveKey, setKey } from '../../../src/core/keys/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { tempDir } from '../../support/repo.js';

const cleanups = useCleanups();
function ctxWith(env: Record<string, string> = {}, config: Record<string, unknown> = {}) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return makeTestContext({ cwd: t.dir, home: t.dir, env, config });
}

describe('key store', () => {
  it('writes keys.json with mode 0600', async () => {
    const ctx = ctxWith();
    await setKey(ctx, 'openai', 'sk-abc\n');
    expect(statSync(keysPath(ctx)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(keysPath(ctx), 'utf8'))).toEqual({ openai: 'sk-abc' });
  });

  it('keeps mode 0600 when replacing a key', async () => {
    const ctx = ctxWith();
    await setKey(ctx, 'openai', 'one');
    await setKey(ctx, 'anthropic', 'two');
    expect(statSync(keysPath(ctx)).mode & 0o777).toBe(0o600);
    expect(resolveKey(ctx, 'anthropic')).toEqual({ key: 'two', source: 'store' });
  });

  it('the env var wins over the stored key', async () => {
    const ctx = ctxWith({ OPENAI_API_KEY: 'from-env' });
    await setKey(ctx, 'openai', 'from-store');
    expect(resolveKey(ctx, 'openai', 'OPENAI_API_KEY')).toEqual({ key: 'from-env', source: 'env' });
  });

  it('lists providers and sources, never values', async () => {
    const ctx = ctxWith(
      { ANTHROPIC_API_KEY: 'a-secret', LOCAL_KEY: 'l' },
      { providers: { compatible: { local: { baseURL: 'http://x', apiKeyEnv: 'LOCAL_KEY' } } } },
    );
    await setKey(ctx, 'openai', 'o-secret');
    const list = listKeys(ctx);
    expect(list).toEqual([
      { provider: 'anthropic', source: 'env', envVar: 'ANTHROPIC_API_KEY' },
      { provider: 'local', source: 'env', envVar: 'LOCAL_KEY' },
      { provider: 'openai', source: 'store', envVar: 'OPENAI_API_KEY' },
    ]);
    expect(JSON.stringify(list)).not.toMatch(/secret/);
  });

  it('removes a key', async () => {
    const ctx = ctxWith();
    await setKey(ctx, 'openai', 'x');
    expect(await removeKey(ctx, 'openai')).toBe(true);
    expect(await removeKey(ctx, 'openai')).toBe(false);
    expect(resolveKey(ctx, 'openai')).toBeUndefined();
  });

  it.each(['', '  ', 'has space'])('rejects the key %j with exit 2', async (key) => {
    await expect(setKey(ctxWith(), 'openai', key)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('a corrupt store is a usage error naming the file', async () => {
    const ctx = ctxWith();
    writeFileSync(keysPath(ctx), '{nope');
    expect(() => resolveKey(ctx, 'openai')).toThrow(/keys\.json is not valid JSON/);
  });

  it('the error for a corrupt store never quotes its content (a key)', async () => {
    const ctx = ctxWith();
    writeFileSync(keysPath(ctx), '{"openai": sk-proj-SECRET123456}');
    const err = (() => {
      try {
        resolveKey(ctx, 'openai');
      } catch (e) {
        return e as Error & { hint?: string };
      }
    })();
    expect(err?.message).toMatch(/not valid JSON/);
    expect(`${err?.message} ${err?.hint}`).not.toContain('sk-proj');
  });
});
