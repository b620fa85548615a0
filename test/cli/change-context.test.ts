import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANGE_TODO,
  changePlan,
  isPlanRequest,
  isTodoRequest,
  libraryProject,
} from '../support/change-fixtures.js';
import type { FakeRequest } from '../support/fake-llm-server.js';

/**
 * `change` packs the repository once per request, and under a tight budget keeps the focus
 * whole while the rest is compressed (`--compress`) or dropped by tier.
 */

const REQUEST = "Add pascalCase(input) next to camelCase: pascalCase('foo-bar') returns 'FooBar'";

/** 60 functions with real bodies (≈ 3k tokens whole, a fraction as signatures): outside the focus. */
const FORMAT_JS = Array.from(
  { length: 60 },
  (_, i) =>
    `/** format${i}: pad, upper-case and tag a value. */\nexport function format${i}(value) {\n` +
    `  const text = String(value);\n  const padded = text.padStart(${i + 4}, '0');\n` +
    `  const upper = padded.toUpperCase();\n  return \`\${upper.trim()}-${i}\`;\n}\n`,
).join('\n');
/** Generated data (the first tier to go under a budget). */
const BIG_JSON = `${JSON.stringify({ rows: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `row ${i}` })) })}\n`;

const planOf = (p: { fake: { requests: FakeRequest[] } }) =>
  p.fake.requests.find(isPlanRequest)!.messages.at(-1)!.content;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function project() {
  const p = await libraryProject((req) =>
    isPlanRequest(req) ? changePlan() : isTodoRequest(req) ? CHANGE_TODO : 'unexpected',
  );
  cleanup = p.cleanup;
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(`${p.dir}/lib`);
  mkdirSync(`${p.dir}/fixtures`);
  writeFileSync(`${p.dir}/lib/format.js`, FORMAT_JS);
  writeFileSync(`${p.dir}/fixtures/rows.json`, BIG_JSON);
  return p;
}

const change = (p: Awaited<ReturnType<typeof project>>, ...extra: string[]) =>
  p.run(['change', REQUEST, '--no-questions', '--dry-run', '--json', ...extra]);

describe('change: one pack per request, focus whole under a tight budget', () => {
  it('packs once when the repository fits, and the plan sees all of it', async () => {
    const p = await project();
    const r = await change(p);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).context).toMatchObject({
      whole: true,
      compressed: false,
      packs: 1,
      left: [],
    });
    expect(planOf(p)).toContain('padStart(7');
  });

  it('tight, without --compress: one pack, the focus whole, the rest dropped by tier', async () => {
    const p = await project();
    const r = await change(p, '--token-budget', '2500');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.context).toMatchObject({ whole: false, compressed: false, packs: 1 });
    expect(out.context.left).toEqual(['fixtures/rows.json', 'lib/format.js']);
    expect(out.contextTokens).toBeLessThanOrEqual(2500);
    const prompt = planOf(p);
    expect(prompt).toContain('words.map((w, i)'); // camelCase's body: index.js is in the focus
    expect(prompt).toContain('export function splitWords');
    expect(prompt).not.toContain('export function format1(');
    expect(r.stderr).toMatch(/context: \d+ files \(focus whole\), [\d,]+ of 2,500 tokens/);
  });

  it('tight, with --compress: the focus whole, the rest as signatures, generated data dropped', async () => {
    const p = await project();
    const r = await change(p, '--token-budget', '2500', '--compress');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.context).toMatchObject({ whole: false, compressed: true, packs: 2 });
    expect(out.context.left).toEqual(['fixtures/rows.json']);
    expect(out.contextTokens).toBeLessThanOrEqual(2500);
    const prompt = planOf(p);
    expect(prompt).toContain('export function format12(value)');
    expect(prompt).not.toContain('padStart(16'); // format12's body went
    expect(prompt).toContain('words.map((w, i)'); // the focus was not compressed
    expect(prompt).toContain('return input.split(/[-_.\\s]+/)');
    expect(r.stderr).toContain('the rest as signatures');
  });

  it('[pack] compress in specloop.toml does the same without the flag', async () => {
    const p = await project();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(`${p.dir}/specloop.toml`, '\n[pack]\ncompress = true\n');
    const r = await change(p, '--token-budget', '2500');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).context).toMatchObject({ compressed: true, left: ['fixtures/rows.json'] });
  });

  it('a focus bigger than the budget is exit 2 before any model call', async () => {
    const p = await project();
    const r = await p.run([
      'change',
      'rewrite format3 in `lib/format.js`',
      '--no-questions',
      '--token-budget',
      '2000',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the files this change is about take [\d,]+ tokens, more than the 2,000/);
    expect(p.fake.requests).toEqual([]);
  });
});
