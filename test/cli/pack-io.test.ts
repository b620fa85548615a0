import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { AWS_SECRET_LINE, BINARY, referenceTokens } from '../support/pack-fixtures.js';
import { git, initRepo, tempDir } from '../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const FILES = {
  '.gitignore': 'dist/\n',
  'README.md': '# Demo\n\nHello.\n',
  'src/index.ts': 'export const a = 1;\n\n\n\nexport const b = 2;\n',
  'src/lib/util.ts': 'export function twice(x: number) {\n  return 2 * x;\n}\n',
  'src/logo.bin': BINARY,
  'config/aws.js': AWS_SECRET_LINE,
  'dist/out.js': 'built\n',
};

function setup(files: Record<string, string | Uint8Array> = FILES) {
  const repo = tempDir('specloop-pack-io-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, files);
  const run = (argv: string[], opts: { stdin?: string; cwd?: string } = {}) =>
    runCli(['pack', ...argv], {
      cwd: opts.cwd ?? repo.dir,
      env: { SPECLOOP_HOME: home.dir },
      stdin: opts.stdin,
    });
  return { dir: repo.dir, run };
}

const xmlPaths = (xml: string) => [...xml.matchAll(/<file path="([^"]*)"><!\[CDATA\[/g)].map((m) => m[1]);

describe('specloop pack: input and output', () => {
  it('-o - writes the pack to stdout and no file named "-"', async () => {
    const { dir, run } = setup();
    const r = await run(['-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<pack /);
    expect(existsSync(join(dir, '-'))).toBe(false);
    expect(existsSync(join(dir, 'output.txt'))).toBe(false);
    expect(r.stderr).toContain(`${referenceTokens(r.stdout).toLocaleString('en-US')} tokens`);
  });

  it('paths are relative to the packed directory, wherever it runs', async () => {
    const { dir, run } = setup();
    const r = await run([join(dir, 'src'), '-o', '-'], { cwd: join(dir, 'config') });
    expect(xmlPaths(r.stdout)).toEqual(['lib/util.ts', 'index.ts']);
  });

  it('takes files as arguments, still through the ignore, binary and secret rules', async () => {
    const { run } = setup();
    const r = await run(
      [
        'README.md',
        'src/lib/util.ts',
        'dist/out.js',
        'src/logo.bin',
        'config/aws.js',
        '--json-summary',
        '-o',
        '-',
      ],
      {},
    );
    expect(r.code).toBe(0);
    expect(xmlPaths(r.stdout)).toEqual(['src/lib/util.ts', 'README.md']);
    const s = JSON.parse(r.stderr);
    const reasons = Object.fromEntries(
      s.skipped.map((x: { path: string; reason: string }) => [x.path, x.reason]),
    );
    expect(reasons).toEqual({
      'config/aws.js': 'secret',
      'dist/out.js': 'ignored',
      'src/logo.bin': 'binary',
    });
    const missing = await run(['nope.md']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory: .*nope\.md/);
  });

  it('--stdin reads newline- or NUL-separated paths; deleted ones are listed as missing', async () => {
    const { run } = setup();
    const lines = await run(['--stdin', '-o', '-', '--json-summary'], {
      stdin: 'src/index.ts\r\nREADME.md\n\ngone.ts\nconfig/aws.js\n',
    });
    expect(lines.code).toBe(0);
    expect(xmlPaths(lines.stdout)).toEqual(['src/index.ts', 'README.md']);
    const skipped = JSON.parse(lines.stderr).skipped.map(
      (x: { path: string; reason: string }) => `${x.path}:${x.reason}`,
    );
    expect(skipped).toEqual(['config/aws.js:secret', 'gone.ts:missing']);
    const nul = await run(['--stdin', '-0', '-o', '-'], { stdin: 'src/lib/util.ts\0README.md\0' });
    expect(xmlPaths(nul.stdout)).toEqual(['src/lib/util.ts', 'README.md']);
    const bad = await run(['-0']);
    expect(bad.code).toBe(2);
  });

  it('--quiet prints nothing on stderr', async () => {
    const { dir, run } = setup();
    const r = await run(['--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'output.txt'))).toBe(true);
  });

  it('--no-file-summary, --no-directory-structure and --no-files drop their sections, counts stay exact', async () => {
    const { run } = setup();
    for (const style of ['xml', 'markdown', 'plain', 'json']) {
      const r = await run([
        '--style',
        style,
        '--no-file-summary',
        '--no-directory-structure',
        '-o',
        '-',
        '--json-summary',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/read-only snapshot/);
      expect(r.stdout).not.toMatch(/[Dd]irectory.?[Ss]tructure/);
      expect(r.stdout).toContain('twice');
      expect(JSON.parse(r.stderr).totals.tokens).toBe(referenceTokens(r.stdout));
    }
    const none = await run(['--no-files', '-o', '-', '--json-summary']);
    expect(none.stdout).toContain('util.ts');
    expect(none.stdout).not.toContain('twice');
    const s = JSON.parse(none.stderr);
    expect(s.totals.files).toBe(0);
    expect(s.totals.tokens).toBe(referenceTokens(none.stdout));
  });

  it('--remove-empty-lines and --truncate-base64 shrink the text, counts stay exact', async () => {
    const blob = Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const { run } = setup({
      ...FILES,
      'src/asset.ts': `export const png = "data:image/png;base64,${blob}";\n`,
    });
    const r = await run(['--remove-empty-lines', '--truncate-base64', '-o', '-', '--json-summary']);
    expect(r.stdout).toContain('export const a = 1;\nexport const b = 2;');
    expect(r.stdout).toMatch(/base64,[A-Za-z0-9+/]{32}…\[base64 truncated: \d+ more chars\]"/);
    const s = JSON.parse(r.stderr);
    expect(s.totals.tokens).toBe(referenceTokens(r.stdout));
    expect(s.files.find((f: { path: string }) => f.path === 'src/asset.ts').tokens).toBeLessThan(60);
  });

  it('--token-count-tree shows tokens per directory on stderr, or in --json-summary', async () => {
    const { run } = setup();
    const r = await run(['--token-count-tree', '-o', '-', '--json-summary']);
    const s = JSON.parse(r.stderr);
    const src = s.tokenCountTree.find((e: { path: string }) => e.path === 'src/');
    const inSrc = s.files.filter((f: { path: string }) => f.path.startsWith('src/'));
    expect(src.tokens).toBe(inSrc.reduce((a: number, f: { tokens: number }) => a + f.tokens, 0));
    const text = await run(['--token-count-tree', '1,000', '-o', '-']);
    expect(text.code).toBe(0);
    const tree = text.stderr.slice(0, text.stderr.indexOf('Top '));
    expect(tree).toBe('Token count tree:\n  (nothing with ≥ 1,000 tokens)\n');
    const all = await run(['--token-count-tree', '-o', '-']);
    expect(all.stderr).toMatch(/Token count tree:\n {2}src\/ {2}\d+\n {4}lib\/ {2}\d+\n {6}util\.ts {2}\d+/);
  });

  it('marks the files it left out in the tree', async () => {
    const { run } = setup();
    const r = await run(['-o', '-']);
    const doc = new XMLParser().parse(r.stdout);
    expect(doc.pack.directory_structure).toMatch(/logo\.bin {2}\[left out: binary\]/);
    expect(doc.pack.directory_structure).toMatch(/aws\.js {2}\[left out: secret\]/);
    expect(r.stdout).toMatch(/util\.ts\n/);
  });

  it('refuses to write into .git/ or over specloop input files (exit 2, nothing written)', async () => {
    const { dir, run } = setup();
    writeFileSync(join(dir, 'spec.md'), '# spec\n');
    for (const out of ['.git/pack.xml', 'spec.md', 'specloop.toml', 'todo.md']) {
      const r = await run(['-o', out]);
      expect({ out, code: r.code }).toEqual({ out, code: 2 });
      expect(r.stderr).toMatch(/refusing/);
    }
    expect(readFileSync(join(dir, 'spec.md'), 'utf8')).toBe('# spec\n');
    expect(existsSync(join(dir, '.git', 'pack.xml'))).toBe(false);
    expect(git(dir, 'status', '--porcelain')).not.toContain('todo.md');
  });
});
