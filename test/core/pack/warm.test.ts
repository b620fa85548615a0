import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { makeTestContext } from '../../support/context.js';
import { AWS_SECRET_LINE, referenceTokens } from '../../support/pack-fixtures.js';
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
      let debug: string[] = [];
      const ctx = () => {
        debug = [];
        const c = makeTestContext({ cwd: dir.dir, home: home.dir, env: {} });
        c.log.debug = (m) => void debug.push(m);
        return c;
      };
      const early = () => debug.some((m) => m.includes('started while listing'));
      const cold = await pack(ctx(), { write: false });
      expect(cold.cache).toMatchObject({ hits: 0, mode: 'threads' });
      expect(early()).toBe(true); // the walk found enough files, none of them known
      const warm = await pack(ctx(), { write: false });
      expect(warm.cache).toEqual({ hits: 260, misses: 0, mode: 'in-thread' });
      expect(early()).toBe(false);
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

describe('pack: the stat index', () => {
  it('vouches for unchanged files, yet an edit that keeps size and mtime is still seen (ctime)', async () => {
    const dir = tempDir('specloop-stat-');
    const home = tempDir('specloop-home-');
    try {
      const files = Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [`src/f${i}.ts`, `export const v${i} = "aaaa";\n`]),
      );
      writeFiles(dir.dir, files);
      // whole-second mtimes, so that putting one back below is exact
      const old = 1_700_000_000;
      for (const f of Object.keys(files)) utimesSync(join(dir.dir, f), old, old);
      // vouch for files written a moment ago (the default waits until a file is 2 s old)
      const ctx = () =>
        makeTestContext({ cwd: dir.dir, home: home.dir, env: { SPECLOOP_PACK_RACY_MS: '0' } });
      const cold = await pack(ctx(), { write: false });
      const warm = await pack(ctx(), { write: false });
      expect(warm.cache).toEqual({ hits: 30, misses: 0, mode: 'in-thread' });
      expect(warm.output).toBe(cold.output);
      // same size, mtime put back: only ctime (and the content) tell
      const f = join(dir.dir, 'src/f3.ts');
      const before = statSync(f);
      writeFileSync(f, 'export const v3 = "a.b,";\n');
      utimesSync(f, old, old);
      expect([statSync(f).size, statSync(f).mtimeMs]).toEqual([before.size, before.mtimeMs]);
      const edited = await pack(ctx(), { write: false });
      expect(edited.output).toContain('export const v3 = "a.b,";');
      expect(edited.output).not.toContain('export const v3 = "aaaa";');
      expect(edited.cache).toEqual({ hits: 29, misses: 1, mode: 'in-thread' });
      expect(edited.totals.tokens).toBe(referenceTokens(edited.output));
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });

  it('a hit recorded without the secret scan is scanned when the scan is on', async () => {
    const dir = tempDir('specloop-stat-secret-');
    const home = tempDir('specloop-home-');
    try {
      writeFiles(dir.dir, { 'config/aws.js': AWS_SECRET_LINE, 'src/a.ts': 'export const a = 1;\n' });
      const old = 1_700_000_000;
      for (const f of ['config/aws.js', 'src/a.ts']) utimesSync(join(dir.dir, f), old, old);
      const ctx = () =>
        makeTestContext({ cwd: dir.dir, home: home.dir, env: { SPECLOOP_PACK_RACY_MS: '0' } });
      for (let i = 0; i < 2; i++) {
        const open = await pack(ctx(), { write: false, securityCheck: false });
        expect(open.files.map((f) => f.path)).toEqual(['config/aws.js', 'src/a.ts']);
      }
      const checked = await pack(ctx(), { write: false });
      expect(checked.skipped.map((x) => [x.path, x.reason])).toEqual([['config/aws.js', 'secret']]);
      const again = await pack(ctx(), { write: false });
      expect(again.skipped.map((x) => [x.path, x.reason])).toEqual([['config/aws.js', 'secret']]);
      expect(again.cache).toEqual({ hits: 1, misses: 0, mode: 'in-thread' });
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });

  it('a written warm pack is byte for byte the cold one, after a change too', async () => {
    const dir = tempDir('specloop-stat-written-');
    const home = tempDir('specloop-home-');
    try {
      const files = Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`src/d${i % 4}/f${i}.ts`, `  export const v${i} = ${i};\n\n`]),
      );
      writeFiles(dir.dir, { ...files, 'cdata.xml': 'a ]]> b\n', 'bom.txt': '\ufeffbom\n' });
      const old = 1_700_000_000;
      for (const f of [...Object.keys(files), 'cdata.xml', 'bom.txt']) utimesSync(join(dir.dir, f), old, old);
      for (const style of ['xml', 'plain', 'markdown', 'json'] as const) {
        const ctx = () =>
          makeTestContext({ cwd: dir.dir, home: home.dir, env: { SPECLOOP_PACK_RACY_MS: '0' } });
        const out = join(home.dir, `out-${style}`);
        const run = async (cache = true) => {
          await pack(ctx(), { style, output: out, cache });
          return readFileSync(out, 'utf8');
        };
        await run(); // fills the cache
        const warm = await run();
        writeFileSync(join(dir.dir, 'src/d1/f5.ts'), 'export const v5 = "changed";\n');
        const changed = await run();
        const cold = await run(false);
        expect(changed).toBe(cold);
        expect(changed).toContain('changed');
        // predicted packed, found binary: the tree written first is redrawn with the mark
        writeFileSync(join(dir.dir, 'src/d2/f6.ts'), Buffer.from([0, 1, 2, 0, 3]));
        const marked = await run();
        expect(marked).toBe(await run(false));
        expect(marked).toMatch(/f6\.ts {2}\[left out: binary\]/);
        for (const f of ['src/d1/f5.ts', 'src/d2/f6.ts']) {
          writeFileSync(join(dir.dir, f), files[f]!);
          utimesSync(join(dir.dir, f), old, old);
        }
        expect(await run()).toBe(warm);
      }
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });

  it('a cold pack in workers marks files left out early and late in its tree, byte for byte as in this thread', async () => {
    const dir = tempDir('specloop-cold-marks-');
    const home = tempDir('specloop-home-');
    try {
      // 600 files: the workers' batches and this thread's; binary files among the first,
      // the middle and the very last (whose outcome may come after this thread ran dry)
      const files: Record<string, string | Uint8Array> = Object.fromEntries(
        Array.from({ length: 600 }, (_, i) => [
          `src/p${String(i).padStart(3, '0')}.ts`,
          `export const v${i} = ${i};\n`,
        ]),
      );
      for (const i of [3, 301, 599])
        files[`src/p${String(i).padStart(3, '0')}.ts`] = Buffer.from([0, 1, 2, 0]);
      writeFiles(dir.dir, files);
      const run = async (threads: string) => {
        const out = join(home.dir, `out-${threads}.xml`);
        const ctx = makeTestContext({
          cwd: dir.dir,
          home: home.dir,
          env: { SPECLOOP_PACK_THREADS: threads },
        });
        const r = await pack(ctx, { output: out, cache: false });
        return { r, text: readFileSync(out, 'utf8') };
      };
      const workers = await run('1');
      expect(workers.r.cache.mode).toBe('threads');
      const here = await run('0');
      expect(here.r.cache.mode).toBe('in-thread');
      expect(workers.text).toBe(here.text);
      for (const i of [3, 301, 599])
        expect(workers.text).toMatch(
          new RegExp(`p${String(i).padStart(3, '0')}\\.ts {2}\\[left out: binary\\]`),
        );
      expect(workers.r.totals.tokens).toBe(referenceTokens(workers.text));
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });

  it('a warm pack through several read chunks (1 MB each, reused once written) is the cold pack', async () => {
    const dir = tempDir('specloop-stat-chunks-');
    const home = tempDir('specloop-home-');
    try {
      // 256 files (4 batches) of ~12 kB, each line naming its file: a chunk read into too
      // early shows
      const files = Object.fromEntries(
        Array.from({ length: 256 }, (_, i) => [
          `src/f${String(i).padStart(3, '0')}.ts`,
          Array.from({ length: 300 }, (_, j) => `export const f${i}_${j} = "${i}:${j}";`).join('\n'),
        ]),
      );
      writeFiles(dir.dir, files);
      const old = 1_700_000_000;
      for (const f of Object.keys(files)) utimesSync(join(dir.dir, f), old, old);
      const ctx = () =>
        makeTestContext({ cwd: dir.dir, home: home.dir, env: { SPECLOOP_PACK_RACY_MS: '0' } });
      const out = join(home.dir, 'out.xml');
      const run = async (cache = true) => {
        const r = await pack(ctx(), { output: out, cache });
        return { text: readFileSync(out, 'utf8'), r };
      };
      const cold = await run(false);
      await run();
      for (let k = 0; k < 2; k++) {
        const warm = await run();
        expect(warm.r.cache).toEqual({ hits: 256, misses: 0, mode: 'in-thread' });
        expect(warm.text).toBe(cold.text);
      }
      expect(cold.text.length).toBeGreaterThan(2_000_000);
    } finally {
      dir.cleanup();
      home.cleanup();
    }
  });
});
