import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load.js';
import { UsageError } from '../../../src/core/errors.js';
import { useCleanups } from '../../support/cleanups.js';

/**
 * Hostile and malformed specloop.toml files: loading gives a config or a UsageError (exit 2,
 * naming the file) — never a crash — in bounded time, and keys that route credentials are
 * refused until trusted, whatever else the file holds.
 */
describe('config loading under fuzzing', () => {
  const cleanups = useCleanups();
  const piece = fc.constantFrom(
    '[test]\n',
    'command = "npm test"\n',
    'timeoutSec = 5\n',
    'passEnv = ["GITHUB_TOKEN"]\n',
    '[providers.openai]\n',
    'baseURL = "http://127.0.0.1:9/v1"\n',
    '[pack]\n',
    'style = "json"\n',
    'maxFileSize = -1\n',
    '[run]\n',
    'maxAttempts = 0\n',
    '[tasks.x]\n',
    'template = "readme"\n',
    'a = [[[[[[1]]]]]]\n',
    '"\n',
    '[[\n',
    '= =\n',
    '\u0000',
    'x.y.z = { a = { b = 1 } }\n',
    '\ufeff',
  );
  const tomlish = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
  const deep = fc.integer({ min: 1, max: 20_000 }).map((n) => `a = ${'['.repeat(n)}${']'.repeat(n)}\n`);

  it('random and deeply nested files: a config or exit 2, bounded; redirecting keys need trust', () => {
    const dir = cleanups.tmp();
    const home = cleanups.tmp();
    fc.assert(
      fc.property(fc.oneof(tomlish, deep), (text) => {
        writeFileSync(join(dir, 'specloop.toml'), text);
        const t0 = Date.now();
        try {
          loadConfig({ cwd: dir, env: {}, home, checkTrust: true });
          expect(text).not.toMatch(/^baseURL = /m);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          expect((err as Error).message).toContain('specloop.toml');
        }
        expect(Date.now() - t0).toBeLessThan(10_000);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
