import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, pack } from '../../../src/core/pack/index.js';
import { runCli } from '../../support/cli.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { tempDir, writeFiles } from '../../support/repo.js';

/**
 * A monorepo shaped like prettier / babel / vite: a modest src/ and docs/, and far more
 * tests, fixtures, snapshots and playgrounds than source (deterministic text).
 */
function monorepo(): Record<string, string> {
  const files: Record<string, string> = {};
  const words = (seed: number, n: number) =>
    Array.from({ length: n }, (_, i) => `w${(seed * 31 + i * 17) % 997}`).join(' ');
  const code = (seed: number, lines: number) =>
    Array.from(
      { length: lines },
      (_, i) => `export function f${seed}_${i}(a, b) { return a * ${i} + b; }`,
    ).join('\n');
  for (let i = 0; i < 60; i++) files[`src/language-js/printer-${i}.js`] = code(i, 20);
  for (let i = 0; i < 12; i++) files[`docs/guide-${i}.md`] = `# Guide ${i}\n\n${words(i, 150)}\n`;
  for (let d = 0; d < 40; d++) {
    for (let i = 0; i < 12; i++) files[`tests/format/js/case-${d}/input-${i}.js`] = code(d * 100 + i, 6);
    files[`tests/format/js/case-${d}/jsfmt.spec.js`] = 'runFormatTest(import.meta, ["babel"]);';
    files[`tests/format/js/case-${d}/__snapshots__/jsfmt.spec.js.snap`] = code(d, 40);
  }
  for (let i = 0; i < 80; i++)
    files[`packages/babel-parser/test/fixtures/es2015/f${i}/input.js`] = code(i, 5);
  for (let i = 0; i < 40; i++) files[`playground/css-${i}/main.css`] = `.a${i} { color: red; }\n`.repeat(10);
  for (let i = 0; i < 30; i++) files[`tests/unit/u${i}.test.js`] = code(i + 7, 8);
  return files;
}

let root: { dir: string; cleanup: () => void };
let home: { dir: string; cleanup: () => void };
beforeAll(() => {
  root = tempDir('specloop-monorepo-');
  home = tempDir('specloop-home-');
  writeFiles(root.dir, monorepo());
});
afterAll(() => {
  root.cleanup();
  home.cleanup();
});
const ctx = () => makeTestContext({ cwd: root.dir, home: home.dir });

describe('pack: token budget on a monorepo', () => {
  it('keeps all of src/ and docs/ first, condenses the tree and list, and fits exactly', async () => {
    const full = await pack(ctx(), { write: false });
    const src = full.files.filter((f) => /^(src|docs)\//.test(f.path));
    const budget = Math.round(src.reduce((a, f) => a + f.tokens, 0) * 1.6);
    expect(budget).toBeLessThan(full.totals.tokens / 2);
    const r = await pack(ctx(), { write: false, tokenBudget: budget });
    const kept = new Set(r.files.map((f) => f.path));
    for (const f of src) expect(kept.has(f.path)).toBe(true);
    expect(r.totals.tokens).toBeLessThanOrEqual(budget);
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
    // content, not the frame, fills the budget
    expect(r.totals.fileTokens / r.totals.tokens).toBeGreaterThan(0.6);
    expect(r.output).toMatch(/__snapshots__\/ {2}\[1 files left out: over budget\]|files left out/);
    expect(r.output).toMatch(/<dir path="[^"]+" files="\d+" reason="over budget"\/>/);
    // what is left out is the low tiers: snapshots and fixtures before tests before source
    const snapsKept = r.files.filter((f) => f.path.endsWith('.snap')).length;
    expect(snapsKept).toBe(0);
    // the human summary counts budget drops per directory instead of listing thousands
    const text = formatSummary(r, { top: 0, outputs: ['stdout'] });
    expect(text).toMatch(/over budget \d[\d,]* files in tests\/format\//);
    expect(text.split('\n').length).toBeLessThan(20);
  });

  it('never exits 2 while a file could still fit; below the frame, the hint is a value that works', async () => {
    const small = await pack(ctx(), { write: false, tokenBudget: 1500 });
    expect(small.files.length).toBeGreaterThan(0);
    expect(small.totals.tokens).toBeLessThanOrEqual(1500);
    expect(small.totals.tokens).toBe(referenceTokens(small.output));
    const r = await runCli(['pack', '--token-budget', '50', '-o', '-'], {
      cwd: root.dir,
      env: { SPECLOOP_HOME: home.dir },
    });
    expect(r.code).toBe(2);
    const hinted = /use --token-budget (\S+)/.exec(r.stderr)![1]!;
    const again = await runCli(['pack', '--token-budget', hinted, '-o', '-', '--quiet'], {
      cwd: root.dir,
      env: { SPECLOOP_HOME: home.dir },
    });
    expect(again.code).toBe(0);
    expect(referenceTokens(again.stdout)).toBeLessThanOrEqual(Number(hinted));
  });

  it('--max-tokens fails (exit 1, nothing written) when the pack would exceed it', async () => {
    const env = { SPECLOOP_HOME: home.dir };
    const over = await runCli(['pack', '--max-tokens', '10k', '-o', 'ctx.xml'], { cwd: root.dir, env });
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/more than --max-tokens 10000/);
    expect(existsSync(join(root.dir, 'ctx.xml'))).toBe(false);
    const ok = await runCli(['pack', '--max-tokens', '10m', '-o', 'ctx.xml', '--quiet'], {
      cwd: root.dir,
      env,
    });
    expect(ok.code).toBe(0);
    expect(existsSync(join(root.dir, 'ctx.xml'))).toBe(true);
  });
});
