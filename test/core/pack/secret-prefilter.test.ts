import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsCdataWork } from '../../../src/core/pack/render/xml.js';
import {
  CDATA_WORK,
  contentFlags,
  hasSecretHint,
  SECRET_HINT,
  shapeOf,
} from '../../../src/core/pack/secret-prefilter.js';
import { matchesSecretHints } from '../../../src/core/pack/secrets.js';
import { AWS_SECRET_LINE, privateKeyPem, realTexts } from '../../support/pack-fixtures.js';

const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7) % 16]).join('');
const tok = (n: number) => Array.from({ length: n }, (_, i) => 'aZ3_-kQ9'[(i * 5) % 8]).join('');
const alnum = (n: number) => Array.from({ length: n }, (_, i) => 'aZ3xkQ9_'[(i * 5) % 8]).join('');

/** One text per alternative of the three hint regexes (and near misses). */
const SHAPES = [
  privateKeyPem(),
  AWS_SECRET_LINE,
  'AKIAIOSFODNN7',
  'ASIA',
  'A3TX',
  'AGPA',
  'AIDA',
  'AROA',
  'AIPA',
  'ANPA',
  'ANVA',
  'ABIA',
  'ACCA',
  `sk_live_${'aZ3x'.repeat(5)}`,
  `rk_test_${'a1'.repeat(10)}`,
  `whsec_${'Ab1'.repeat(8)}`,
  `AIza${tok(35)}`,
  `eyJ${tok(12)}.eyJ`,
  'AccountKey=',
  'SharedAccessKey=',
  `sig=${'a%+/'.repeat(8)}`,
  '7Q~',
  `SK${hex(32)}`,
  '_auth =',
  '_authToken=',
  `key-${hex(32)}`,
  'glpat-',
  `do_v1_${hex(64)}`,
  `hvs.${tok(24)}`,
  `hvb.${tok(24)}`,
  `dapi${hex(32)}`,
  'pypi-',
  `hf_${'aB3'.repeat(12)}`,
  `123:AA${tok(33)}`,
  `M${tok(24)}.${tok(6)}.`,
  `N${tok(23)}.abcdef.`,
  `O${tok(25)}.${tok(6)}.x`,
  'account_id = "1234-5678-9012"',
  'Account: 123456789012',
  'ACCOUNTID=>1234-5678-9012',
  'private_key',
  'x-oauth-basic',
  `npm_${alnum(36)}`,
  'xoxb-',
  'xapp-',
  'https://user:pw@host',
  'T3BlbkFJ',
  'sk-ant-api0',
  'lin_api_',
  'SG.abc.',
  'shppa_',
  `ghp_${alnum(36)}`,
  'github_pat_',
  'ops_ey',
  'SECRET_ACCESS',
  'secretaccess',
  'Hooks.Slack.Com',
  'MONGODB+srv://',
  'mysqlx://',
  'PostgreSQL://',
  'TwiLio',
];
const near = [
  'secret',
  'mongodb:/',
  'AKI',
  'ghp_',
  'sk_live_',
  'eyJ.eyJ',
  'M.abcdef.',
  '\u017fecret_access',
  'ſ',
];

describe('secret prefilter in one pass', () => {
  it('agrees with the hint regexes on every kind of hint and near miss', () => {
    for (const t of [...SHAPES, ...near]) {
      for (const s of [t, `x ${t} y`, `${t}\n`, `é${t}é`])
        expect({ s, hint: hasSecretHint(s) }).toEqual({ s, hint: matchesSecretHints(s) });
    }
    // every shape is a hint on its own
    expect(SHAPES.filter((t) => !hasSecretHint(t))).toEqual([]);
  });

  it('agrees with the hint regexes on random text made of their pieces', () => {
    const piece = fc.oneof(
      fc.constantFrom(...SHAPES, ...near, ' ', '\n', '.', ':', '_', '-', '=', '"', '/', '7', 'é', '中'),
      fc.stringMatching(/^[A-Za-z0-9_.:=\-/~%+]{0,30}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const t = parts.join('');
        return hasSecretHint(t) === matchesSecretHints(t);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the hint regexes on real files', () => {
    const texts = realTexts(150);
    expect(texts.length).toBeGreaterThan(60);
    const differ = texts.filter(({ text }) => hasSecretHint(text) !== matchesSecretHints(text));
    expect(differ.map((t) => t.path)).toEqual([]);
  });
});

/** Chars that are several UTF-8 bytes; U+00A0, U+2028, U+FEFF and U+3000 are non-u `\s`. */
const WIDE = ['\u00a0', '\u2028', '\ufeff', '\u3000', 'é', '中', '😀', 'ſ', 'K'];
const ws = (n: number) =>
  Array.from({ length: n }, (_, i) => [' ', '\u00a0', '\t', '\u2028', '\ufeff'][i % 5]).join('');

/**
 * Matches longer than the byte pass's first window (128 bytes), with multi-byte chars inside
 * or before them, and near misses of those: each with whether it is a hint.
 */
const LONG: [string, boolean][] = [
  [`eyJ${tok(300)}.eyJ`, true],
  [`eyJ${tok(300)}.ey`, false],
  [`eyJ${tok(300)}中.eyJ`, false],
  [`_auth${ws(120)}=`, true],
  [`_authToken${ws(200)}x=`, false],
  // the first window ends inside a char for one of these
  ...[0, 1, 2].map((k): [string, boolean] => [`_auth${' '.repeat(k)}${'\u2028'.repeat(60)}=`, true]),
  [`account_id"${ws(60)}:${ws(70)}"1234-5678-9012`, true],
  [`Account${ws(90)}=>${ws(5)}'123456789012`, true],
  [`Account${ws(90)}=>${ws(5)}'12345678901`, false],
  [`https://${alnum(200)}:${tok(200)}@host`, true],
  [`://${alnum(256)}:${alnum(256)}@`, true],
  [`://${alnum(257)}:x@`, false],
  [`://${alnum(200)}é:x@`, false],
  [`SG.${alnum(128)}.`, true],
  [`SG.${alnum(129)}.`, false],
  ['é7Q~', true],
  ['éQ~', false],
  [`中1:AA${tok(33)}`, true],
  [`中:AA${tok(33)}`, false],
  [`9:AA${tok(32)}é`, false],
];
const LONG_TEXTS = LONG.map(([t]) => t);

const hasSecretHintBytes = (buf: Buffer, start: number, end: number) =>
  (contentFlags(buf, start, end) & SECRET_HINT) !== 0;

/** The byte pass on `text` between `before` and `after` (the file's bytes outside the range). */
function flagsOf(before: string, text: string, after: string): number {
  const buf = Buffer.from(before + text + after);
  const start = Buffer.byteLength(before);
  return contentFlags(buf, start, start + Buffer.byteLength(text));
}
const bytesHint = (before: string, text: string, after: string) =>
  (flagsOf(before, text, after) & SECRET_HINT) !== 0;

/** What the byte pass must say of `text`: its hint, and unless there is one, its CDATA work. */
const expectedFlags = (text: string) =>
  hasSecretHint(text) ? SECRET_HINT | CDATA_WORK : needsCdataWork(text) ? CDATA_WORK : 0;

describe('secret prefilter over bytes', () => {
  it('agrees with the string pass on every shape, near miss and long match, wherever the range is', () => {
    for (const t of [...SHAPES, ...near, ...LONG_TEXTS]) {
      for (const s of [t, `x ${t} y`, `${t}\n`, `é${t}é`, `中${t}\u2028`, `${t.slice(0, -1)}`, t.slice(1)])
        for (const [b, a] of [
          ['', ''],
          ['7', 'eyJ'],
          ['é', '.eyJ=@'],
          [`${'z'.repeat(300)}`, `${'z'.repeat(300)}`],
        ] as const)
          expect({ s, b, a, hint: bytesHint(b, s, a) }).toEqual({ s, b, a, hint: hasSecretHint(s) });
    }
    expect(LONG.map(([t]) => [t, hasSecretHint(t)])).toEqual(LONG);
  });

  it('agrees with the string pass (and the regexes) on random text, anchors next to multi-byte chars', () => {
    const anchors = [
      'eyJ',
      '.eyJ',
      '_auth',
      'Token',
      '=',
      'account',
      'ACCOUNT_ID',
      '://',
      ':',
      '@',
      'SG.',
      'Q~',
      ':AA',
    ];
    const piece = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SHAPES, ...near, ...LONG_TEXTS) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(...anchors, 'gh', 'secret', 'M', 'N', 'O', '.', '"', "'", '7', '-'),
      },
      { weight: 3, arbitrary: fc.constantFrom(...WIDE, ' ', '\n', '\t') },
      { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:=\-/~%+"']{0,40}$/) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => tok(n)) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((n) => ws(n)) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), fc.nat(), fc.nat(), (parts, x, z) => {
        // the range: parts [a, b) of the file (a and b at char boundaries)
        const a = x % (parts.length + 1);
        const b = a + (z % (parts.length - a + 1));
        const text = parts.slice(a, b).join('');
        const hint = hasSecretHint(text);
        return (
          bytesHint(parts.slice(0, a).join(''), text, parts.slice(b).join('')) === hint &&
          hint === matchesSecretHints(text)
        );
      }),
      { numRuns: 4000 },
    );
  });

  it('agrees with the string pass on real files and parts of them', () => {
    const texts = realTexts(150);
    const differ: string[] = [];
    for (const { path, text } of texts) {
      const buf = Buffer.from(text);
      if (hasSecretHintBytes(buf, 0, buf.length) !== hasSecretHint(text)) differ.push(path);
      // ranges cut at every 997th char boundary
      for (let k = 997; k < text.length; k *= 3) {
        const s = Buffer.byteLength(text.slice(0, k >> 1));
        const e = Buffer.byteLength(text.slice(0, k));
        if (hasSecretHintBytes(buf, s, e) !== hasSecretHint(buf.toString('utf8', s, e)))
          differ.push(`${path}@${k}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('reads longest matches and alphabets off the rule regexes, refusing syntax the window test cannot hold', () => {
    const shape = (src: string, flags = 'y') => {
      const { maxLen, alphabet } = shapeOf(new RegExp(src, flags));
      return { maxLen, alphabet: alphabet.source };
    };
    expect(shape('k_(?:live|test)_[0-9a-zA-Z]{20}')).toEqual({
      maxLen: 27,
      alphabet: '(?:k|_|l|i|v|e|t|s|[0-9a-zA-Z])*',
    });
    expect(shape('_auth(?:Token)?\\s*=').maxLen).toBe(Number.POSITIVE_INFINITY);
    expect(shape(':\\/\\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@').maxLen).toBe(517);
    expect(shape('SG\\.\\w{1,128}\\.').maxLen).toBe(132);
    expect(shape('xox[bpaor]-?').maxLen).toBe(5);
    for (const bad of ['a.b', '^a', 'a$', 'a\\b', '(?=a)', '(?<=a)b', '(a)\\1', '[^a]', '\\S'])
      expect(() => shapeOf(new RegExp(bad, 'y')), bad).toThrow(/unsupported/);
    expect(() => shapeOf(/a/uy)).toThrow(/flags/);
  });
});

describe('the byte pass on what XML CDATA must change', () => {
  it('finds each char XML forbids (every BMP char, and astral ones) and `]]>`, nothing else', () => {
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue; // not a char on its own (no UTF-8)
      const t = `a${String.fromCodePoint(c)}b`;
      if (flagsOf('', t, '') !== expectedFlags(t)) wrong.push(c);
    }
    for (const t of ['😀', '\u{10fffe}', '\u{10ffff}', '\u{1fffe}'])
      if (flagsOf('', t, '') !== expectedFlags(t)) wrong.push(t.codePointAt(0)!);
    expect(wrong).toEqual([]);
    for (const t of [
      ']]>',
      'a]]>b',
      ']]',
      ']>',
      ']] >',
      'a[b[0]]>1',
      '\x1b[0m',
      '\x00',
      '\t\n\r',
      '\uffff',
      '\ufffe',
      '\u0fff\u1fff',
    ])
      for (const [b, a] of [
        ['', ''],
        [']', '>'],
        ['\uffef', '\ufffe'],
        ['\x1b', '\x01'],
      ] as const)
        expect({ t, b, a, flags: flagsOf(b, t, a) }).toEqual({ t, b, a, flags: expectedFlags(t) });
  });

  it('agrees with needsCdataWork (and the hint with the string pass) on random text', () => {
    const piece = fc.oneof(
      fc.constantFrom(...SHAPES, ...near, ...LONG_TEXTS),
      fc.constantFrom(']', ']]', '>', ']]>', '\x00', '\x08', '\x0b', '\x1f', '\t', '\r', '\n', '\x7f'),
      fc.constantFrom('\ufffe', '\uffff', '\ufffd', '\u0fff', '\uefbf', ...WIDE),
      fc.stringMatching(/^[A-Za-z0-9_.:=\-/~%+"'\]>]{0,30}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), fc.nat(), fc.nat(), (parts, x, z) => {
        const a = x % (parts.length + 1);
        const b = a + (z % (parts.length - a + 1));
        const text = parts.slice(a, b).join('');
        return flagsOf(parts.slice(0, a).join(''), text, parts.slice(b).join('')) === expectedFlags(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with needsCdataWork on real files', () => {
    const differ = realTexts(150).filter(({ text }) => flagsOf('', text, '') !== expectedFlags(text));
    expect(differ.map((t) => t.path)).toEqual([]);
  });
});
