import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { referenceTokens } from '../support/pack-fixtures.js';
import { git, initRepo, tempDir } from '../support/repo.js';

/**
 * pack on trees nobody here wrote: published npm packages copied from node_modules into one
 * git repo. zod ships its sources with their tests (src/v3/tests, src/v4/{classic,core,mini}/
 * tests) beside compiled output and locales, the mix a budget must rank; vite and diff2html
 * add bundles, type declarations and CSS. Every check is against an independent count
 * (gpt-tokenizer) or the tree itself, never a number written here.
 */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));
const PACKAGES = ['zod', 'vite', 'diff2html'];

let repo: { dir: string; cleanup: () => void };
let home: { dir: string; cleanup: () => void };
beforeAll(() => {
  repo = tempDir('specloop-real-tree-');
  home = tempDir('specloop-home-');
  for (const p of PACKAGES)
    cpSync(join(NODE_MODULES, p), join(repo.dir, p), { recursive: true, dereference: true });
  initRepo(repo.dir);
});
afterAll(() => {
  repo.cleanup();
  home.cleanup();
});

const run = (argv: string[], stdin?: string) =>
  runCli(['pack', ...argv], { cwd: repo.dir, env: { SPECLOOP_HOME: home.dir }, stdin });
const xmlPaths = (xml: string) => [...xml.matchAll(/<file path="([^"]*)"><!\[CDATA\[/g)].map((m) => m[1]!);
const isTest = (p: string) => /\/(tests?|__tests__)\//.test(p) || /\.test\.[cm]?[jt]s$/.test(p);
const tracked = () => git(repo.dir, 'ls-files').split('\n').filter(Boolean);

describe('specloop pack on real package trees (zod, vite, diff2html from npm)', () => {
  it('packs every tracked text file, as XML that parses, with the exact token total', async () => {
    const r = await run(['-o', '-', '--json-summary']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));
    const paths = xmlPaths(r.stdout);
    expect(paths.length).toBeGreaterThan(500);
    for (const p of PACKAGES) expect(paths.some((x) => x.startsWith(`${p}/`))).toBe(true);
    expect(new Set(paths).size).toBe(paths.length);
    const all = new Set(tracked());
    for (const p of paths) expect(all.has(p)).toBe(true);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    expect(summary.totals.tokens).toBe(referenceTokens(r.stdout));
  });

  it('--token-budget keeps source before its tests and fits exactly', async () => {
    const full = await run(['-o', '-', '--quiet']);
    const fullTokens = referenceTokens(full.stdout);
    const budget = Math.round(fullTokens / 4);
    const r = await run(['-o', '-', '--token-budget', String(budget)]);
    expect(r.code).toBe(0);
    const tokens = referenceTokens(r.stdout);
    expect(tokens).toBeLessThanOrEqual(budget);
    // content fills the budget, not the tree and the left-out list
    expect(tokens).toBeGreaterThan(budget * 0.8);
    const kept = new Set(xmlPaths(r.stdout));
    const zodSrc = tracked().filter((p) => p.startsWith('zod/src/') && /\.ts$/.test(p));
    const src = zodSrc.filter((p) => !isTest(p));
    const tests = zodSrc.filter(isTest);
    expect(tests.length).toBeGreaterThan(50);
    const share = (xs: string[]) => xs.filter((p) => kept.has(p)).length / xs.length;
    expect(share(src)).toBeGreaterThan(share(tests));
    expect(r.stdout).toMatch(/reason="over budget"/);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
  });

  it('--compress keeps every file, fewer tokens, still exact and valid', async () => {
    const plain = await run(['zod/src', '-o', '-', '--quiet']);
    const r = await run(['zod/src', '-o', '-', '--compress', '--json-summary']);
    expect(r.code).toBe(0);
    expect(xmlPaths(r.stdout)).toEqual(xmlPaths(plain.stdout));
    const tokens = referenceTokens(r.stdout);
    expect(tokens).toBeLessThan(referenceTokens(plain.stdout) * 0.8);
    expect(JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))).totals.tokens).toBe(tokens);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
  });

  it('--stdin takes the list `git ls-files` prints, --token-count-tree sums per directory', async () => {
    const list = git(repo.dir, 'ls-files', 'diff2html');
    const r = await run(['--stdin', '-o', '-', '--token-count-tree', '--json-summary'], `${list}\n`);
    expect(r.code).toBe(0);
    const paths = xmlPaths(r.stdout);
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(p.startsWith('diff2html/')).toBe(true);
    const summary = JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));
    expect(JSON.stringify(summary)).toContain('diff2html');
    expect(summary.totals.tokens).toBe(referenceTokens(r.stdout));
  });

  it('--max-tokens below the real total fails with exit 1 and writes nothing', async () => {
    const r = await run(['--max-tokens', '100k', '-o', 'ctx.xml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/more than --max-tokens 100000/);
    expect(existsSync(join(repo.dir, 'ctx.xml'))).toBe(false);
  });
});
