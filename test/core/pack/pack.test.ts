import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { makeTestContext } from '../../support/context.js';
import { AWS_SECRET_LINE, packFixture, referenceTokens } from '../../support/pack-fixtures.js';
import { initRepo, tempDir, writeFiles } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(
  files: Record<string, string | Uint8Array> = packFixture(),
  config: Record<string, unknown> = {},
) {
  const repo = tempDir('specloop-pack-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, files);
  const ctx = makeTestContext({
    cwd: repo.dir,
    home: home.dir,
    config: { pack: { maxFileSize: 2000, ...config } },
  });
  return { dir: repo.dir, home: home.dir, ctx };
}

describe('pack', () => {
  it('packs text files and lists every skipped file with its reason', async () => {
    const { ctx } = setup();
    const r = await pack(ctx, { write: false });
    expect(r.files.map((f) => f.path)).toEqual([
      '__snapshots__/a.snap',
      'src/util/strings.ts',
      'src/index.ts',
      'README.md',
      'icon.svg',
      'weird.txt',
    ]);
    expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['big.txt', 'too-large'],
      ['config/aws.js', 'secret'],
      ['data/blob.txt', 'binary'],
      ['data/latin1.txt', 'not-utf8'],
      ['keys/id_rsa.pem', 'secret'],
    ]);
    expect(r.skipped.find((s) => s.path === 'config/aws.js')?.detail).toMatch(/aws/);
    expect(r.skipped.find((s) => s.path === 'keys/id_rsa.pem')?.detail).toMatch(/privatekey/);
  });

  it('includes files with secrets when the security check is off', async () => {
    const { ctx } = setup();
    const r = await pack(ctx, { write: false, securityCheck: false });
    expect(r.files.map((f) => f.path)).toContain('config/aws.js');
    expect(r.files.map((f) => f.path)).toContain('keys/id_rsa.pem');
  });

  for (const style of ['xml', 'markdown', 'plain', 'json'] as const) {
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      it(`reports exact totals: ${style}, ${encoding}`, async () => {
        const { ctx } = setup();
        const r = await pack(ctx, { write: false, style, encoding });
        expect(r.totals.tokens).toBe(referenceTokens(r.output, encoding));
        expect(r.totals.chars).toBe(r.output.length);
        for (const f of r.files) expect(f.tokens).toBeGreaterThan(0);
      });
    }
  }

  it('counts each file exactly as the reference counts its packed text', async () => {
    const { ctx, dir } = setup();
    const r = await pack(ctx, { write: false });
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').trim();
    expect(r.files.find((f) => f.path === 'README.md')?.tokens).toBe(referenceTokens(readme));
  });

  it('is byte-for-byte deterministic', async () => {
    const { ctx } = setup();
    const a = await pack(ctx, { write: false });
    const b = await pack(ctx, { write: false, cache: false });
    expect(b.output).toBe(a.output);
  });

  it('writes output.txt atomically and never packs its own output', async () => {
    const { ctx, dir } = setup();
    const first = await pack(ctx);
    expect(first.output).toBe(join(dir, 'output.txt'));
    const text = readFileSync(join(dir, 'output.txt'), 'utf8');
    expect(text).toContain('<file path="src/index.ts">');
    const again = await pack(ctx);
    expect(again.files.map((f) => f.path)).not.toContain('output.txt');
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe(text);
  });

  it('reuses cached token counts and re-counts only a changed file', async () => {
    const { ctx, dir } = setup();
    const cold = await pack(ctx, { write: false });
    expect(cold.cache.hits).toBe(0);
    const warm = await pack(ctx, { write: false });
    expect(warm.cache).toMatchObject({ hits: cold.files.length, misses: 0 });
    expect(warm.output).toBe(cold.output);
    writeFileSync(join(dir, 'src/index.ts'), 'export const answer = 43;\n');
    const touched = await pack(ctx, { write: false });
    expect(touched.cache.misses).toBe(1);
    expect(touched.totals.tokens).toBe(referenceTokens(touched.output));
  });

  it('survives a torn cache line (a crash mid-write)', async () => {
    const { ctx, home } = setup();
    const cold = await pack(ctx, { write: false });
    const log = join(home, 'cache/pack/tokens-v1.log');
    const text = readFileSync(log, 'utf8');
    writeFileSync(log, `${text}${text.split('\n')[0]!.slice(0, 30)}`); // torn, no newline, no checksum
    const warm = await pack(ctx, { write: false });
    expect(warm.output).toBe(cold.output);
    expect(warm.cache.hits).toBe(cold.files.length);
    const after = await pack(ctx, { write: false, lineNumbers: true });
    expect(after.totals.tokens).toBe(referenceTokens(after.output));
  });

  it('gives the same pack from worker threads as in-thread', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++)
      files[`src/m${String(i).padStart(3, '0')}.ts`] = `export const v${i} = ${i}; // ${'ü'.repeat(i % 7)}\n`;
    const { ctx } = setup(files);
    const single = await pack(ctx, { write: false, threads: 0, cache: false });
    const multi = await pack(ctx, { write: false, threads: 2, cache: false });
    expect(multi.output).toBe(single.output);
    expect(multi.totals).toEqual(single.totals);
  });

  it('gives the same pack when this thread and the workers share the batches, whatever waits in a batch', async () => {
    // Workers hold two batches ahead and read into recycled chunks; a file whose secret scan
    // loads secretlint (real I/O inside a batch) must not let the next batch start meanwhile.
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) {
      const body = `export const v${i} = "${`${i} `.repeat(2000 + ((i * 997) % 3000))}";\n`;
      files[`src/m${String(i).padStart(3, '0')}.ts`] = i % 97 === 5 ? AWS_SECRET_LINE + body : body;
    }
    const { ctx } = setup(files, { maxFileSize: 100_000 });
    const single = await pack(ctx, { write: false, threads: 0, cache: false });
    expect(single.skipped.map((s) => s.reason)).toEqual(Array(4).fill('secret'));
    for (const threads of [1, 2]) {
      const multi = await pack(ctx, { write: false, threads, cache: false });
      expect(multi.cache.mode).toBe('threads');
      expect(multi.output).toBe(single.output);
      expect(multi.totals).toEqual(single.totals);
      expect(multi.skipped).toEqual(single.skipped);
    }
  });

  it('drops the least relevant and largest files to fit a token budget, saying which', async () => {
    const files: Record<string, string> = {
      'src/a.ts': 'export const a = 1;\n',
      'src/big.ts': 'const x = 1;\n'.repeat(120),
      'data.csv': 'a,b\n'.repeat(40),
    };
    const { ctx } = setup(files, { maxFileSize: 100_000 });
    const all = await pack(ctx, { write: false });
    const budget = all.totals.tokens - 50;
    const r = await pack(ctx, { write: false, tokenBudget: budget });
    expect(r.totals.tokens).toBeLessThanOrEqual(budget);
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
    expect(r.skipped.filter((s) => s.reason === 'token-budget').map((s) => s.path)).toEqual(['data.csv']);
  });

  it('splits into parts under N tokens without cutting a file', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++)
      files[`f${String(i).padStart(2, '0')}.ts`] = `export const n${i} = "${'word '.repeat(30)}";\n`;
    files['huge.ts'] = 'let y = 0;\n'.repeat(200);
    for (const style of ['xml', 'json'] as const) {
      const { ctx, dir } = setup(files, { maxFileSize: 100_000 });
      const r = await pack(ctx, { splitTokens: 400, style });
      expect(r.parts.length).toBeGreaterThan(2);
      expect(r.skipped.map((s) => [s.path, s.reason])).toEqual([['huge.ts', 'split-limit']]);
      let seen = 0;
      for (const [i, part] of r.parts.entries()) {
        expect(part.path).toBe(join(dir, `output.${i + 1}.txt`));
        const text = readFileSync(part.path!, 'utf8');
        expect(referenceTokens(text)).toBe(part.tokens);
        expect(part.tokens).toBeLessThanOrEqual(400);
        seen += part.files;
        if (style === 'json') JSON.parse(text);
      }
      expect(seen).toBe(12);
    }
  });

  it('numbers lines and removes comments on request', async () => {
    const { ctx } = setup();
    const r = await pack(ctx, { write: false, lineNumbers: true, removeComments: true });
    expect(r.output).toContain('1: export const answer = 42;\n');
    expect(r.output).not.toContain('// the answer');
    expect(r.output).toContain('"http://example.com/a//b";');
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });

  it('adds git diff and git log sections, header and instructions', async () => {
    const { ctx, dir } = setup({ 'a.ts': 'export const a = 1;\n' });
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;\n');
    writeFiles(dir, { 'prompt.md': 'Review this code.\n' });
    const r = await pack(ctx, {
      write: false,
      gitDiff: true,
      gitLog: 3,
      header: 'Project X',
      instructions: 'prompt.md',
      ignore: ['prompt.md'],
    });
    expect(r.output).toContain('<git_diff><![CDATA[');
    expect(r.output).toContain('+export const a = 2;');
    expect(r.output).toContain('<git_log><![CDATA[');
    expect(r.output).toMatch(/commit [0-9a-f]{40}/);
    expect(r.output).toContain('<header>\nProject X\n</header>');
    expect(r.output).toContain('<instructions><![CDATA[\nReview this code.\n]]></instructions>');
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });

  it('stops on Ctrl-C without leaving an output file', async () => {
    const { dir, home } = setup();
    const ac = new AbortController();
    ac.abort();
    const ctx = makeTestContext({ cwd: dir, home, signal: ac.signal });
    await expect(pack(ctx)).rejects.toMatchObject({ name: 'InterruptedError' });
    expect(readdirSync(dir).filter((f) => f.startsWith('output') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('packs several directories with paths relative to where it runs', async () => {
    const { ctx } = setup({
      'a/x.ts': 'export const x = 1;\n',
      'b/y.ts': 'export const y = 2;\n',
      'c/z.ts': 'z\n',
    });
    const r = await pack(ctx, { write: false, dirs: ['b', 'a'] });
    expect(r.files.map((f) => f.path)).toEqual(['a/x.ts', 'b/y.ts']);
  });

  it('rejects a missing directory, an unreadable instructions file and a bad glob (UsageError)', async () => {
    const { ctx } = setup();
    await expect(pack(ctx, { dirs: ['nope'] })).rejects.toMatchObject({ exitCode: 2 });
    await expect(pack(ctx, { instructions: 'missing.md' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(pack(ctx, { include: ['src/[x'] })).rejects.toMatchObject({ exitCode: 2, code: 'E_GLOB' });
  });
});
