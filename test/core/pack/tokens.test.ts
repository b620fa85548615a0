import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../src/core/pack/index.js';
import { styleRenderer } from '../../../src/core/pack/render/index.js';
import { blockTokens } from '../../../src/core/pack/tokens/blocks.js';
import { TokenCounter } from '../../../src/core/pack/tokens/counter.js';
import { type EncodingName, loadEncoding } from '../../../src/core/pack/tokens/encodings.js';
import { realTexts, referenceTokens } from '../../support/pack-fixtures.js';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];
const counter = async (e: EncodingName) => new TokenCounter(await loadEncoding(e));

// Code-ish text plus the Unicode that stresses the pre-tokenizer: accents, CJK, emoji,
// combining marks, non-breaking and other exotic spaces, digits of other scripts, U+FEFF.
const alphabet = fc.constantFrom(
  ...'abcXYZ019 _-/*.,;:(){}[]<>="\'`\\!?@#$%^&|~+\n\r\t'.split(''),
  "'s",
  "'LL",
  ' ',
  '    ',
  '\u00a0',
  '\u2003',
  'é',
  'Ä',
  'ß',
  '中文',
  '日本語',
  '😀',
  'e\u0301',
  '٣',
  '²',
  '\uFEFF',
  '<|endoftext|>',
  '\f',
  '\v',
);
const textArb = fc.array(alphabet, { maxLength: 80 }).map((a) => a.join(''));

describe('token counting', () => {
  for (const enc of ENCODINGS) {
    it(`equals gpt-tokenizer's encode on real files (${enc})`, async () => {
      const c = await counter(enc);
      const texts = realTexts(90);
      expect(texts.length).toBeGreaterThan(40);
      for (const { path, text } of texts)
        expect({ path, n: c.count(text) }).toEqual({ path, n: referenceTokens(text, enc) });
    });

    it(`equals the reference on random code and Unicode (${enc})`, async () => {
      const c = await counter(enc);
      fc.assert(
        fc.property(textArb, (t) => c.count(t) === referenceTokens(t, enc)),
        { numRuns: 600 },
      );
    });
  }

  it('counts special tokens in source as plain text instead of throwing', async () => {
    const text = 'const EOT = "<|endoftext|>"; // and <|fim_prefix|>\n';
    expect(await countTokens(text)).toBe(referenceTokens(text));
    expect(await countTokens(text, 'cl100k_base')).toBe(referenceTokens(text, 'cl100k_base'));
  });

  it('matches the reference on U+FEFF inside text (its known byte-order-mark quirk)', async () => {
    for (const t of ['\uFEFF', 'a\uFEFFb', ' \uFEFF', '\uFEFF\uFEFF x'])
      expect(await countTokens(t)).toBe(referenceTokens(t));
  });

  it('merges very long pieces (a run of letters, hex) exactly and without stalling', async () => {
    const hex = Array.from({ length: 3000 }, (_, i) => '0123456789abcdef'[(i * 7919) % 16]).join('');
    for (const t of ['a'.repeat(3000), `x${hex}`, `Zq${'kT'.repeat(700)}`]) {
      expect(await countTokens(t)).toBe(referenceTokens(t));
      expect(await countTokens(t, 'cl100k_base')).toBe(referenceTokens(t, 'cl100k_base'));
    }
    // one 800 kB piece: merged in n log n (n² would hang past the test timeout)
    expect(await countTokens('deadbeef'.repeat(100_000))).toBeGreaterThan(100_000);
  });

  it('stays exact while its tables grow (tens of thousands of distinct pieces), and after', async () => {
    const counter = new TokenCounter(await loadEncoding('o200k_base'));
    // distinct short (3-8 chars) and long identifiers, many more than the tables start with
    const words = Array.from({ length: 90_000 }, (_, i) => {
      const w = (i * 2654435761)
        .toString(26)
        .replace(/./g, (c) => String.fromCharCode(97 + Number.parseInt(c, 26)));
      return i % 3 === 0 ? `${w}${w}`.slice(0, 9 + (i % 6)) : w.slice(0, 3 + (i % 6));
    });
    for (let k = 0; k < words.length; k += 15_000) {
      const text = words.slice(k, k + 15_000).join(' ');
      expect(counter.count(text)).toBe(referenceTokens(text));
    }
    const again = words.slice(0, 5000).join(' '); // answered from the grown tables
    expect(counter.count(again)).toBe(referenceTokens(again));
  });

  it('counts the empty string as zero tokens', async () => {
    expect(await countTokens('')).toBe(0);
  });
});

describe('block arithmetic (exact totals without re-tokenizing)', () => {
  const bodies = fc.oneof(
    textArb,
    // long bodies take the head/tail path; start them with slashes, end them with punctuation
    fc
      .tuple(
        fc.constantFrom('//', '/*', '', '\n', 'x'),
        fc.array(textArb, { minLength: 40, maxLength: 80 }),
        fc.constantFrom('}', ';', 'end', '/', ''),
      )
      .map(([a, mid, z]) => a + mid.join('\n') + z),
  );
  for (const enc of ENCODINGS) {
    for (const style of ['xml', 'markdown', 'plain', 'json'] as const) {
      it(`a ${style} block's tokens equal the reference's count of its text (${enc})`, async () => {
        const c = await counter(enc);
        const r = styleRenderer(style);
        fc.assert(
          fc.property(
            bodies,
            fc.constantFrom('src/a.ts', 'lib/x.md', 'Makefile', 'a b/ü.json'),
            (body, path) => {
              const content = body.trim();
              const b = r.file(path, content, 7);
              const got = blockTokens(c, b, c.scan(b.body), b.tail);
              return got === referenceTokens(b.open + b.body + b.tail, enc);
            },
          ),
          { numRuns: 150 },
        );
      });
    }
  }

  it('joins real files exactly, head and tail included', async () => {
    const c = await counter('o200k_base');
    const r = styleRenderer('xml');
    for (const { path, text } of realTexts(40)) {
      const b = r.file(path, text.trim(), 0);
      expect(blockTokens(c, b, c.scan(b.body), b.tail)).toBe(referenceTokens(b.open + b.body + b.tail));
    }
  });
});
