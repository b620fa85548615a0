import { describe, expect, it } from 'vitest';
import { listFiles, pack } from '../../../src/core/pack/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { writeFiles } from '../../support/repo.js';

/** `keep`: the caller's most important files are packed whole and dropped last (what `change` relies on). */
const cleanups = useCleanups();
const body = (name: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `export function ${name}${i}(a) {\n  const b = a * ${i};\n  return b + ${i};\n}\n`,
  ).join('\n');

function project() {
  const dir = cleanups.tmp('specloop-keep-');
  writeFiles(dir, {
    'src/small.js': body('small', 3),
    'src/big.js': body('big', 80),
    'test/big.test.js': body('testBig', 60),
  });
  return { dir, ctx: makeTestContext({ cwd: dir, home: cleanups.tmp('specloop-home-') }) };
}

describe('pack keep', () => {
  it('under a budget, a kept test file outlives unkept source; compress spares it', async () => {
    const { dir, ctx } = project();
    expect((await listFiles(ctx, { dirs: [dir] })).sort()).toEqual([
      'src/big.js',
      'src/small.js',
      'test/big.test.js',
    ]);
    const whole = await pack(ctx, { dirs: [dir], write: false });
    const testTokens = whole.files.find((f) => f.path === 'test/big.test.js')!.tokens;
    const budget = testTokens + 900;
    // Without keep, the test (tier 1) goes first.
    const plain = await pack(ctx, { dirs: [dir], write: false, tokenBudget: budget });
    expect(plain.skipped.map((s) => s.path)).toContain('test/big.test.js');
    const kept = await pack(ctx, {
      dirs: [dir],
      write: false,
      tokenBudget: budget,
      keep: ['test/big.test.js'],
    });
    expect(kept.files.map((f) => f.path)).toContain('test/big.test.js');
    expect(kept.skipped.map((s) => s.path)).toEqual(['src/big.js']);
    // With compress on, the kept file stays whole while the rest become signatures.
    const squeezed = await pack(ctx, {
      dirs: [dir],
      write: false,
      compress: true,
      keep: ['test/big.test.js'],
    });
    expect(squeezed.files.find((f) => f.path === 'test/big.test.js')!.tokens).toBe(testTokens);
    expect(squeezed.output).toContain('const b = a * 59;'); // the kept file's body
    expect(squeezed.output).not.toContain('const b = a * 79;'); // src/big.js's body went
    expect(squeezed.output).toContain('export function big79(a)');
  });
});
