import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { packFixture, referenceTokens } from '../support/pack-fixtures.js';
import { initRepo, tempDir, writeFiles } from '../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(files: Record<string, string | Uint8Array> = packFixture()) {
  const repo = tempDir('specloop-cli-pack-');
  const home = tempDir('specloop-home-');
  cleanups.push(repo.cleanup, home.cleanup);
  initRepo(repo.dir, files);
  const run = (argv: string[], env: Record<string, string> = {}) =>
    runCli(['pack', ...argv], { cwd: repo.dir, env: { SPECLOOP_HOME: home.dir, ...env } });
  return { dir: repo.dir, run };
}

describe('specloop pack', () => {
  it('writes output.txt and prints the summary on stderr only', async () => {
    const { dir, run } = setup();
    const r = await run(['--top', '2', '--max-file-size', '2kb']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(join(dir, 'output.txt'), 'utf8');
    expect(r.stderr).toContain('Top 2 files by tokens:');
    expect(r.stderr).toMatch(/Skipped 5 files:\n {2}too large +big\.txt/);
    expect(r.stderr).toMatch(/secret +config\/aws\.js \(aws:AWSSecretAccessKey\)/);
    expect(r.stderr).toContain(
      `${referenceTokens(text).toLocaleString('en-US')} tokens (o200k_base) → output.txt`,
    );
  });

  it('--stdout writes only the pack to stdout, nothing to disk', async () => {
    const { dir, run } = setup();
    const r = await run(['--stdout', '--style', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Packed repository: /);
    expect(existsSync(join(dir, 'output.txt'))).toBe(false);
    expect(r.stderr).toContain('→ stdout');
  });

  it('--json-summary prints JSON on stdout, or on stderr with --stdout', async () => {
    const { run } = setup();
    const a = await run(['--json-summary', '-o', 'pack.xml']);
    const summary = JSON.parse(a.stdout);
    expect(summary.totals.files).toBe(7);
    expect(summary.parts[0].path).toBe('pack.xml');
    expect(summary.skipped.map((s: { reason: string }) => s.reason)).toContain('secret');
    const b = await run(['--json-summary', '--stdout']);
    expect(JSON.parse(b.stderr).totals.tokens).toBe(referenceTokens(b.stdout));
  });

  it('takes every option from [pack] in specloop.toml, and flags win', async () => {
    const { dir, run } = setup();
    writeFileSync(
      join(dir, 'specloop.toml'),
      '[pack]\nstyle = "json"\noutput = "ctx.json"\nignore = ["README.md"]\nlineNumbers = true\nsecurityCheck = false\ngitignore = false\n',
    );
    const r = await run([]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'ctx.json'), 'utf8'));
    const paths = doc.files.map((f: { path: string }) => f.path);
    expect(paths).not.toContain('README.md');
    expect(paths).toContain('config/aws.js');
    expect(doc.files.find((f: { path: string }) => f.path === 'src/index.ts').content).toMatch(/^1: /);
    const flags = await run(['--style', 'xml', '--security-check', '-o', 'x.xml']);
    expect(flags.code).toBe(2); // --security-check is not a flag: only --no-security-check is
    const over = await run(['--style', 'xml', '-o', 'x.xml', '--ignore', 'src/**']);
    expect(over.code).toBe(0);
    const xml = readFileSync(join(dir, 'x.xml'), 'utf8');
    expect(xml).toMatch(/^<pack /);
    expect(xml).not.toContain('path="src/index.ts"');
  });

  it('--split-tokens writes numbered parts, each within the limit', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`f${i}.ts`] = `export const x${i} = "${'lorem ipsum '.repeat(25)}";\n`;
    const { dir, run } = setup(files);
    const r = await run(['--split-tokens', '500', '-o', 'ctx.xml']);
    expect(r.code).toBe(0);
    const parts = readdirSync(dir).filter((f) => /^ctx\.\d+\.xml$/.test(f));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts)
      expect(referenceTokens(readFileSync(join(dir, p), 'utf8'))).toBeLessThanOrEqual(500);
  });

  it('exits 2 with a clear message on bad input, writing nothing', async () => {
    const { dir, run } = setup();
    const cases: [string[], RegExp][] = [
      [['no-such-dir'], /no such file or directory/],
      [['--include', 'src/[a-'], /invalid glob in --include: "src\/\[a-"/],
      [['--encoding', 'p50k'], /Allowed choices are o200k_base, cl100k_base/],
      [['--max-file-size', 'lots'], /expected a size/],
      [['--instructions', 'nope.md'], /cannot read instructions file/],
      [['--stdout', '--split-tokens', '100'], /drop --stdout/],
    ];
    for (const [argv, msg] of cases) {
      const r = await run(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toMatch(msg);
    }
    expect(existsSync(join(dir, 'output.txt'))).toBe(false);
  });

  it('an unwritable output path exits 2 and leaves no partial file', async () => {
    const { dir, run } = setup();
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory\n');
    const r = await run(['-o', 'blocker/out.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create the output directory/);
    writeFiles(dir, { 'ro/.keep': '' });
    chmodSync(join(dir, 'ro'), 0o500);
    const ro = await run(['-o', 'ro/out.xml']);
    chmodSync(join(dir, 'ro'), 0o700);
    if (ro.code !== 0) expect(readdirSync(join(dir, 'ro'))).toEqual(['.keep']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--copy without any clipboard exits 2 before writing anything', async () => {
    const { dir, run } = setup();
    const r = await run(['--copy'], { DISPLAY: '', WAYLAND_DISPLAY: '', PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no clipboard available/);
    expect(existsSync(join(dir, 'output.txt'))).toBe(false);
  });

  it('--copy hands the pack to xclip when there is a display', async () => {
    const { dir, run } = setup({ 'a.ts': 'export const a = 1;\n' });
    const bin = tempDir('specloop-bin-');
    cleanups.push(bin.cleanup);
    const sink = join(bin.dir, 'clipboard.txt');
    writeFiles(bin.dir, { xclip: `#!/bin/sh\ncat > "${sink}"\n` });
    chmodSync(join(bin.dir, 'xclip'), 0o755);
    const r = await run(['--copy'], { DISPLAY: ':0', PATH: `${bin.dir}:${process.env.PATH}` });
    expect(r.code).toBe(0);
    expect(readFileSync(sink, 'utf8')).toBe(readFileSync(join(dir, 'output.txt'), 'utf8'));
    expect(r.stderr).toContain('Copied to the clipboard.');
  });

  it('--help documents the options and config', async () => {
    const { run } = setup({});
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--split-tokens <n>');
    expect(r.stdout).toContain('[pack] in specloop.toml');
  });
});
