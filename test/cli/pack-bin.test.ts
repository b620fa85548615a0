import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { referenceTokens } from '../support/pack-fixtures.js';
import { initRepo, tempDir } from '../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// The built binary: dist/pack-worker.js must be found next to the bundle and give the same
// pack as processing in the main thread.
describe('specloop pack (built binary)', () => {
  it('packs with dist worker threads exactly as in-thread', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 260; i++)
      files[`pkg/m${String(i).padStart(3, '0')}.js`] = `module.exports = ${i}; // ${'x'.repeat(i % 50)}\n`;
    const repo = tempDir('specloop-bin-pack-');
    const home = tempDir('specloop-home-');
    cleanups.push(repo.cleanup, home.cleanup);
    initRepo(repo.dir, files);
    const env = { SPECLOOP_HOME: home.dir };
    const threaded = await runBin(['pack', '-o', join(home.dir, 'a.xml'), '--no-cache', '--verbose'], {
      cwd: repo.dir,
      env,
    });
    expect(threaded.code).toBe(0);
    expect(threaded.stderr).toContain('(threads)');
    const inline = await runBin(['pack', '-o', join(home.dir, 'b.xml'), '--no-cache', '--verbose'], {
      cwd: repo.dir,
      env: { ...env, SPECLOOP_PACK_THREADS: '0' },
    });
    expect(inline.code).toBe(0);
    expect(inline.stderr).toContain('(in-thread)');
    const a = readFileSync(join(home.dir, 'a.xml'), 'utf8');
    expect(readFileSync(join(home.dir, 'b.xml'), 'utf8')).toBe(a);
    expect(threaded.stderr).toContain(`${referenceTokens(a).toLocaleString('en-US')} tokens`);
    // the build's rank table (dist/ranks/, tsup.config.ts) is the one loaded, not a parse
    expect(threaded.stderr).toContain('o200k_base rank table loaded as built');
  });

  it('exits 2 for a directory that does not exist', async () => {
    const home = tempDir('specloop-home-');
    cleanups.push(home.cleanup);
    const r = await runBin(['pack', '/definitely/not/here'], {
      cwd: home.dir,
      env: { SPECLOOP_HOME: home.dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or directory');
  });
});
