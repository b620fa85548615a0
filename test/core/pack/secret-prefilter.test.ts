import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasSecretHint } from '../../../src/core/pack/secret-prefilter.js';
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
