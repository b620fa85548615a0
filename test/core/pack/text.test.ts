import { execFileSync } from 'node:child_process';
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSummary, pack } from '../../../src/core/pack/index.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { tempDir, writeFiles } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(files: Record<string, string | Uint8Array>, config: Record<string, unknown> = {}) {
  const dir = tempDir('specloop-pack-text-');
  const home = tempDir('specloop-home-');
  cleanups.push(dir.cleanup, home.cleanup);
  writeFiles(dir.dir, files); // no git: names git would refuse to list are still walkable
  return makeTestContext({ cwd: dir.dir, home: home.dir, config: { pack: config } });
}

const utf16 = (text: string, be: boolean) => {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return be ? Buffer.from(le).swap16() : le;
};

// A small real-looking PDF: ASCII header, then compressed-looking bytes without NULs.
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
  Buffer.from(
    'stream\nx\x9c\xcb\x48\xcd\xc9\xc9\x57\x28\xcf\x2f\xca\x49\x01\x00\nendstream\n%%EOF\n',
    'latin1',
  ),
]);

describe('pack: text', () => {
  it('decodes UTF-16 LE and BE files with a byte-order mark, and says so', async () => {
    const ctx = setup({
      'win/le.txt': utf16('héllo wörld\r\n', false),
      'win/be.txt': utf16('ünïcode\n', true),
    });
    const r = await pack(ctx, { write: false });
    expect(r.files.map((f) => f.path)).toEqual(['win/be.txt', 'win/le.txt']);
    expect(r.output).toContain('héllo wörld');
    expect(r.output).toContain('ünïcode');
    expect(r.notices.join('\n')).toMatch(
      /Decoded 2 files as UTF-16.*win\/be\.txt \(UTF-16 BE\).*win\/le\.txt \(UTF-16 LE\)/,
    );
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });

  it('reports a PDF as binary and Latin-1 as not UTF-8, each reason said once', async () => {
    const ctx = setup({ 'doc.pdf.txt': PDF, 'l1.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1') });
    const r = await pack(ctx, { write: false });
    expect(r.skipped).toEqual([
      { path: 'doc.pdf.txt', reason: 'binary', detail: 'PDF document' },
      { path: 'l1.txt', reason: 'not-utf8' },
    ]);
    const text = formatSummary(r, { top: 0, outputs: ['stdout'] });
    expect(text).toContain('binary      doc.pdf.txt (PDF document)');
    expect(text).toMatch(/not UTF-8 +l1\.txt\n/);
  });

  it('leaves out a symlink, a FIFO and an unreadable file with their reasons, and never hangs on the FIFO', async () => {
    const ctx = setup({ 'a.txt': 'kept\n', 'secret/x.txt': 'hidden\n' });
    symlinkSync('a.txt', join(ctx.cwd, 'link.txt'));
    execFileSync('mkfifo', [join(ctx.cwd, 'pipe')]); // no writer: a blocking open would hang
    chmodSync(join(ctx.cwd, 'secret/x.txt'), 0);
    const asRoot = process.getuid?.() === 0; // root reads a mode-0 file anyway
    const r = await pack(ctx, { write: false });
    expect(r.files.map((f) => f.path)).toEqual(asRoot ? ['secret/x.txt', 'a.txt'] : ['a.txt']);
    expect(r.skipped.filter((s) => s.path !== 'secret/x.txt')).toEqual([
      { path: 'link.txt', reason: 'symlink', detail: '→ a.txt' },
      { path: 'pipe', reason: 'not-a-file', detail: 'not a regular file' },
    ]);
    if (!asRoot) expect(r.skipped.find((s) => s.path === 'secret/x.txt')?.reason).toBe('unreadable');
  });

  it('the top files say their share of the pack, or with --no-files of all the files', async () => {
    const ctx = setup({
      'big.ts': 'export const words = "one two three four five six";\n',
      'small.ts': 'x\n',
    });
    const share = (text: string) => [...text.matchAll(/\(([\d.]+)%\)/g)].map((m) => Number(m[1]));
    const full = await pack(ctx, { write: false });
    const inPack = formatSummary(full, { top: 2, outputs: ['stdout'] });
    expect(inPack).toContain('Top 2 files by tokens:\n');
    const big = full.files.find((f) => f.path === 'big.ts')!.tokens;
    expect(share(inPack)[0]).toBe(Number(((100 * big) / full.totals.tokens).toFixed(1)));
    const bare = await pack(ctx, { write: false, files: false });
    const text = formatSummary(bare, { top: 2, outputs: ['stdout'] });
    expect(text).toContain('by tokens (% of all files; their text is not in the pack):');
    const small = bare.files.find((f) => f.path === 'small.ts')!.tokens;
    expect(share(text)).toEqual([big, small].map((t) => Number(((100 * t) / (big + small)).toFixed(1))));
  });

  it('escapes control characters in file names in every style', async () => {
    const files = { 'a\nb.txt': 'newline name\n', 'tab\there.txt': 'tab name\n', 'plain.txt': 'ok\n' };
    for (const style of ['xml', 'markdown', 'plain', 'json'] as const) {
      const ctx = setup(files);
      const r = await pack(ctx, { write: false, style });
      expect(r.totals.tokens).toBe(referenceTokens(r.output));
      if (style === 'xml') {
        const doc = new XMLParser({ ignoreAttributes: false, htmlEntities: true }).parse(r.output);
        const paths = doc.pack.files.file.map((f: Record<string, string>) => f['@_path']);
        expect(paths).toEqual(['a\nb.txt', 'plain.txt', 'tab\there.txt']);
        expect(doc.pack.directory_structure).toContain('"a\\nb.txt"');
      } else if (style === 'json') {
        expect(JSON.parse(r.output).files.map((f: { path: string }) => f.path)).toContain('a\nb.txt');
      } else {
        // every line of the output is either content or a well-formed heading / tree line
        expect(r.output).toContain('"a\\nb.txt"');
        expect(r.output).toContain('"tab\\there.txt"');
        expect(r.output).not.toMatch(/a\nb\.txt/);
      }
    }
  });

  it('reads .ignore and .repomixignore with git semantics; --no-dot-ignore turns them off', async () => {
    const files = {
      '.ignore': 'benchmark/\n',
      '.repomixignore': 'documentation/*\n!documentation/keep.md\n',
      'benchmark/run.js': 'bench\n',
      'documentation/a.md': 'a\n',
      'documentation/keep.md': 'keep\n',
      'src/.ignore': '*.gen.ts\n',
      'src/x.gen.ts': 'gen\n',
      'src/x.ts': 'x\n',
    };
    const r = await pack(setup(files), { write: false });
    expect(r.files.map((f) => f.path)).toEqual([
      'documentation/keep.md',
      'src/.ignore',
      'src/x.ts',
      '.ignore',
      '.repomixignore',
    ]);
    const off = await pack(setup(files), { write: false, dotIgnore: false });
    expect(off.files.map((f) => f.path)).toContain('benchmark/run.js');
    expect(off.files.map((f) => f.path)).toContain('src/x.gen.ts');
  });
});
