import { describe, expect, it } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { tempDir, writeFiles } from '../../support/repo.js';

describe('pack: the warm path', () => {
  it('stays in this thread when the cache covers (nearly) every file, and starts workers when not', async () => {
    const dir = tempDir('specloop-warm-');
    const home = tempDir('specloop-home-');
    try {
      const files = (v: number, n = 260) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`src/m${i}.ts`, `export const x${i} = ${v};\n`]),
        );
      writeFiles(dir.dir, files(1));
      const ctx = () => makeTestContext({ cwd: dir.dir, home: home.dir, env: {} });
      const cold = await pack(ctx(), { write: false });
      expect(cold.cache).toMatchObject({ hits: 0, mode: 'threads' });
      const warm = await pack(ctx(), { write: false });
      expect(warm.cache).toEqual({ hits: 260, misses: 0, mode: 'in-thread' });
      expect(warm.output).toBe(cold.output);
      writeFiles(dir.dir, { 'src/m7.ts': 'export const x7 = 2;\n' });
      const one = await pack(ctx(), { write: false });
      expect(one.cache).toEqual({ hits: 259, misses: 1, mode: 'in-thread' });
      expect(one.totals.tokens).toBe(referenceTokens(one.output));
      writeFiles(dir.dir, files(3, 100));
      const many = await pack(ctx(), { write: false });
      expect(many.cache).toMatchObject({ misses: 100, mode: 'threads' });
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });

  it('a warm pack copies unchanged files as bytes, yet matches the cold pack exactly in every style', async () => {
    const dir = tempDir('specloop-warm-bytes-');
    const home = tempDir('specloop-home-');
    try {
      writeFiles(dir.dir, {
        'cdata.txt': 'ends with ]]> here\n',
        'controls.txt': 'a form feed \f and a bell \x07\n',
        'nbsp.txt': '\u00a0 starts with a no-break space\n',
        'crlf.txt': 'line one\r\nline two\r\n',
        'bom.txt': '\ufeffwith a byte-order mark\n',
        'plain.ts': '  export const x = "ünïcödé";  \n\n',
      });
      for (const style of ['xml', 'plain', 'markdown', 'json'] as const) {
        const ctx = () => makeTestContext({ cwd: dir.dir, home: home.dir, env: {} });
        const cold = await pack(ctx(), { write: false, style });
        const warm = await pack(ctx(), { write: false, style });
        expect(warm.cache.hits).toBe(6);
        expect(warm.output).toBe(cold.output);
        expect(warm.totals).toEqual(cold.totals);
        expect(warm.totals.tokens).toBe(referenceTokens(warm.output));
      }
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });
});
