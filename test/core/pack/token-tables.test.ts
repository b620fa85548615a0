import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenCounter } from '../../../src/core/pack/tokens/counter.js';
import { type EncodingName, loadEncoding } from '../../../src/core/pack/tokens/encodings.js';
import { parseTiktoken, RankTable } from '../../../src/core/pack/tokens/rank-table.js';
import { referenceTokens } from '../../support/pack-fixtures.js';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];
const tiktoken = (e: EncodingName) =>
  readFileSync(createRequire(import.meta.url).resolve(`gpt-tokenizer/data/${e}.tiktoken`));

/** Texts that hit every memo path: 1-2 chars, 3-8 ASCII chars, long pieces, non-ASCII, runs. */
const tricky = [
  'a',
  'ab',
  'abc',
  'abcdefgh',
  'abcdefghi',
  "don't won't they're I'LL we've",
  'x'.repeat(7),
  'x'.repeat(9),
  ' '.repeat(40),
  '\t\t\n\n\r\n  \n',
  '1234567890 3.14159 0xdeadbeef 1e10',
  'naïve café 中文 😀 e\u0301 ٣ ² \u00a0x',
  'getElementById querySelectorAll __proto__ $$typeof',
  'a'.repeat(70),
  'ZZ'.repeat(300),
  '\uFEFFhello \uFEFF',
  'ŁÓDŹ żółć',
];

describe('rank table', () => {
  it('a shipped table is used only when it is one, built from a vocabulary of that size', () => {
    const file = tiktoken('cl100k_base');
    const bytes = parseTiktoken(file).toBytes(file.length);
    expect(RankTable.fromBytes(bytes, file.length + 1)).toBeUndefined(); // another vocabulary
    expect(RankTable.fromBytes(bytes.subarray(0, bytes.length - 1), file.length)).toBeUndefined(); // torn
    const other = Buffer.from(bytes);
    other.writeInt32LE(0, 0); // another layout
    expect(RankTable.fromBytes(other, file.length)).toBeUndefined();
    expect(RankTable.fromBytes(Buffer.alloc(3), file.length)).toBeUndefined();
    // unaligned bytes (a Buffer from the pool) are read too
    const unaligned = Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    expect(RankTable.fromBytes(unaligned, file.length)?.get('hello', 0, 5)).toBe(
      parseTiktoken(file).get('hello', 0, 5),
    );
  });

  for (const enc of ENCODINGS) {
    it(`finds every token of ${enc} at its rank, and no token for other bytes`, () => {
      const file = tiktoken(enc);
      const parsed = parseTiktoken(file);
      // the table the build ships (toBytes, read back by fromBytes) must be the same table
      const table = RankTable.fromBytes(parsed.toBytes(file.length), file.length)!;
      expect(table).toBeDefined();
      let n = 0;
      const wrong: string[] = [];
      for (const line of file.toString('latin1').split('\n')) {
        if (!line) continue;
        const [b64, rank] = line.split(' ');
        const key = Buffer.from(b64!, 'base64').toString('latin1');
        // in place, inside a longer string, as BPE looks tokens up
        const s = `\x00${key}\x01`;
        if (table.get(s, 1, 1 + key.length) !== Number(rank)) wrong.push(b64!);
        // one byte more is some other key (or none), never this rank
        if (table.get(s, 1, 2 + key.length) === Number(rank)) wrong.push(`${b64}+1`);
        n++;
      }
      expect(wrong).toEqual([]);
      expect(n).toBeGreaterThan(99_000);
      for (const none of [
        '\x00\x01\x02\x03\x04',
        'qqqqqqqqqqqqqqqqqqqqqqqq',
        '\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7',
      ])
        expect(table.get(none, 0, none.length)).toBe(-1);
    });
  }
});

describe('memoized piece counts', () => {
  for (const enc of ENCODINGS) {
    it(`a count from the memo equals a fresh count (${enc})`, async () => {
      const ref = await loadEncoding(enc);
      const warm = new TokenCounter(ref);
      for (const t of tricky) warm.count(t);
      for (const t of tricky) {
        const fresh = new TokenCounter(ref).count(t);
        expect({ t, n: warm.count(t) }).toEqual({ t, n: fresh });
        expect(fresh).toBe(referenceTokens(t, enc));
      }
    });

    it(`counts stay exact as the memo fills with random pieces (${enc})`, async () => {
      const warm = new TokenCounter(await loadEncoding(enc));
      const piece = fc.oneof(
        fc.stringMatching(/^[A-Za-z]{1,12}$/),
        fc.stringMatching(/^[ \t\n0-9.,;:(){}'"_-]{1,10}$/),
        fc.constantFrom(...tricky),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
          const t = parts.join(' ');
          return warm.count(t) === referenceTokens(t, enc) && warm.count(t) === referenceTokens(t, enc);
        }),
        { numRuns: 400 },
      );
    });
  }
});
