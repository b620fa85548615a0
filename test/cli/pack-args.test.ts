import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, int } from '../../src/cli/pack-args.js';
import { packSchema } from '../../src/core/config/schema.js';

const parse = (f: (v: string) => number, v: string) => {
  try {
    return f(v);
  } catch {
    return undefined;
  }
};

/**
 * Without a config file, pack's flag values reach the config unchecked by the schema
 * (config/lazy-load.ts): whatever these parsers accept, the schema must accept too.
 */
describe('pack flag parsers accept only what the schema accepts', () => {
  const digits = fc.stringMatching(/^[0-9][0-9,_]{0,25}(\.[0-9]{1,3})?\s?[kKmM]?$/);
  const sizes = fc.stringMatching(/^[0-9]{1,20}\s?([bB]|[kK][bB]?|[mM][bB]?)?$/);

  it('int(min): a safe integer ≥ min (top, gitLog, tokenBudget, splitTokens, maxTokens)', () => {
    fc.assert(
      fc.property(fc.oneof(digits, fc.string()), (v) => {
        const zero = parse(int(0), v);
        if (zero !== undefined) {
          expect(packSchema.shape.top.safeParse(zero).success).toBe(true);
          expect(packSchema.shape.gitLog.safeParse(zero).success).toBe(true);
        }
        const one = parse(int(1), v);
        if (one !== undefined)
          for (const k of ['tokenBudget', 'splitTokens', 'maxTokens'] as const)
            expect(packSchema.shape[k].safeParse(one).success).toBe(true);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('bytes: a safe integer ≥ 1 (maxFileSize)', () => {
    fc.assert(
      fc.property(fc.oneof(sizes, fc.string()), (v) => {
        const n = parse(bytes, v);
        if (n !== undefined) expect(packSchema.shape.maxFileSize.safeParse(n).success).toBe(true);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('numbers beyond 2^53 are refused by the parser, not left to the schema', () => {
    expect(() => int(0)('99999999999999999999')).toThrow(/whole number/);
    expect(() => int(1)('99999999999999999m')).toThrow(/whole number/);
    expect(() => bytes('99999999999999999999mb')).toThrow(/size/);
    expect(int(1)('200k')).toBe(200_000);
    expect(bytes('2mb')).toBe(2 * 1024 * 1024);
  });
});
