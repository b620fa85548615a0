import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failureExcerpt } from '../../../src/core/run/test-excerpt.js';
import { tailOutput } from '../../../src/core/run/test-runner.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/test-output/${name}`, import.meta.url), 'utf8');

/**
 * Real runner outputs (node:test TAP and spec with 300 tests and one failure in the middle,
 * vitest run on a temp project; jest, pytest, go test and cargo test samples in their formats):
 * the excerpt keeps the failure's details and the summary, within the budget.
 */
describe('failureExcerpt', () => {
  it('node --test (TAP): the failure in the middle of 28 kB is kept, though the last 8000 characters miss it', () => {
    const out = fixture('node-test.txt');
    expect(out.length).toBeGreaterThan(20_000);
    expect(tailOutput(out)).not.toContain('not ok 150');
    const x = failureExcerpt(out);
    expect(x.length).toBeLessThanOrEqual(8000);
    expect(x).toContain('not ok 150 - double(150) is 300');
    expect(x).toContain('-1 !== 300');
    expect(x).toContain("location: '/home/dev/math/test/math.test.js:153:1'");
    expect(x).toContain('# fail 1'); // the summary
    expect(x).not.toContain('ok 20 - double(20)'); // passing noise left out
  });

  it('node --test (spec reporter): the ✖ failure and its assertion', () => {
    const x = failureExcerpt(fixture('node-test-spec.txt'), { maxChars: 3000 });
    expect(x.length).toBeLessThanOrEqual(3000);
    expect(x).toContain('✖ double(150) is 300');
    expect(x).toContain('AssertionError [ERR_ASSERTION]');
    expect(x).toContain('test at test/math.test.js:153:1');
    expect(x).toContain('ℹ fail 1');
  });

  it('vitest: the FAIL block with expected / received and the source location', () => {
    const x = failureExcerpt(fixture('vitest.txt'), { maxChars: 1500 });
    expect(x.length).toBeLessThanOrEqual(1500);
    expect(x).toContain('FAIL  test/slug.test.js > slugify > drops punctuation');
    expect(x).toContain('Received: "hello,-world!"');
    expect(x).toContain('test/slug.test.js:45:66');
    expect(x).not.toContain('keeps word 3 0ms');
  });

  it('jest: the ● block', () => {
    const x = failureExcerpt(fixture('jest.txt'), { maxChars: 700 });
    expect(x).toContain('● cart › applies the discount once');
    expect(x).toContain('Received: 81');
    expect(x).toContain('Tests:       1 failed');
  });

  it('pytest: the FAILURES section and the short summary', () => {
    const x = failureExcerpt(fixture('pytest.txt'), { maxChars: 700 });
    expect(x).toContain('test_reserve_more_than_stock');
    expect(x).toContain('E       Failed: DID NOT RAISE');
    expect(x).toContain('1 failed, 63 passed');
  });

  it('go test: the --- FAIL line with the t.Errorf location', () => {
    const x = failureExcerpt(fixture('go-test.txt'), { maxChars: 300 });
    expect(x).toContain('--- FAIL: TestParseQuoted');
    expect(x).toContain('parse_test.go:48');
  });

  it('cargo test: the panicking test, its assertion and the result line', () => {
    const x = failureExcerpt(fixture('cargo-test.txt'), { maxChars: 700 });
    expect(x).toContain('---- tests::wraps_around stdout ----');
    expect(x).toContain('right: [3, 4, 5]');
    expect(x).toContain('test result: FAILED. 11 passed; 1 failed');
  });

  it('no known marker: head and tail', () => {
    const out = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const x = failureExcerpt(out, { maxChars: 1000 });
    expect(x.length).toBeLessThanOrEqual(1100);
    expect(x.startsWith('line 0\n')).toBe(true);
    expect(x).toContain('line 1999');
    expect(x).toMatch(/characters omitted/);
  });

  it('short output is returned whole', () => {
    expect(failureExcerpt('not ok 1 - x\n# fail 1\n')).toBe('not ok 1 - x\n# fail 1');
  });
});
