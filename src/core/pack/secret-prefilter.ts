/**
 * The secret prefilter's content test (PATTERN_HINTS, MAY_HOLD_SECRET and
 * MAY_HOLD_SECRET_ANY_CASE in secrets.ts / secret-patterns.ts) as ONE pass over the text.
 *
 * Three big alternations cost the regex engine every alternative at nearly every position
 * (~14% of a cold pack's worker time). Here each alternative is a rule: a literal anchor at
 * a fixed offset from the start of every match, and the alternative itself as a sticky
 * regex tried only where its anchor occurs. The pass finds anchors by their first two
 * chars in a table; the discord-like token has no literal and is tried at each M, N or O
 * with a dot where its first dot must be. The result equals the three regexes' (fuzzed and checked on
 * real files in test/core/pack/secret-prefilter.test.ts): keep the two in step.
 */

interface Rule {
  /** Literal every match holds at `offset` chars from its start. */
  anchor: string;
  offset: number;
  /** The alternative (sticky); null when the anchor is the whole alternative. */
  re: RegExp | null;
  /** ASCII case-insensitive (the any-case hints). */
  anyCase: boolean;
}

/**
 * Every rule has the same four fields in the same order: the pass reads them in its hot
 * loop, and rules of several shapes made V8 throw its compiled loop away each time it met
 * a new one (7-9 times a pack per thread).
 */
const rule = (anchor: string, re: RegExp | null = null, offset = 0, anyCase = false): Rule => ({
  anchor,
  offset,
  re,
  anyCase,
});

const y = (source: string, flags = '') => new RegExp(source, `y${flags}`);
const lit = (...anchors: string[]): Rule[] => anchors.map((anchor) => rule(anchor));
const by = (re: RegExp, ...anchors: string[]): Rule[] => anchors.map((anchor) => rule(anchor, re));
const anyCase = (source: string, ...anchors: string[]): Rule[] =>
  anchors.map((anchor) => rule(anchor, y(source, 'i'), 0, true));

const RULES: Rule[] = [
  // PATTERN_HINTS (secret-patterns.ts)
  ...lit('PRIVATE KEY', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'),
  ...by(y('k_(?:live|test)_[0-9a-zA-Z]{20}'), 'k_live_', 'k_test_'),
  ...by(y('whsec_[0-9a-zA-Z]{24}'), 'whsec_'),
  ...by(y('AIza[0-9A-Za-z_-]{35}'), 'AIza'),
  ...by(y('eyJ[A-Za-z0-9_-]{10,}\\.eyJ'), 'eyJ'),
  ...lit('AccountKey=', 'SharedAccessKey='),
  ...by(y('sig=[A-Za-z0-9%+/]{30}'), 'sig='),
  rule('Q~', y('\\dQ~'), 1),
  ...by(y('SK[0-9a-f]{32}'), 'SK'),
  ...by(y('_auth(?:Token)?\\s*='), '_auth'),
  ...by(y('key-[0-9a-f]{32}'), 'key-'),
  ...lit('glpat-', 'pypi-'),
  ...by(y('_v1_[0-9a-f]{64}'), '_v1_'),
  ...by(y('hv[sb]\\.[A-Za-z0-9_-]{24}'), 'hvs.', 'hvb.'),
  ...by(y('dapi[0-9a-f]{32}'), 'dapi'),
  ...by(y('hf_[A-Za-z0-9]{34}'), 'hf_'),
  rule(':AA', y('\\d:AA[0-9A-Za-z_-]{33}'), 1),
  // MAY_HOLD_SECRET (secrets.ts); A3T[A-Z0-9] and _authToken= are implied by rules above
  ...lit('AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'private_key', 'x-oauth-basic', 'xapp-'),
  ...by(
    y('(?:ACCOUNT|account|Account)_?(?:ID|id|Id)?["\']?\\s*(?::|=>|=)\\s*["\']?[0-9]{4}-?[0-9]{4}-?[0-9]{4}'),
    'ACCOUNT',
    'account',
    'Account',
  ),
  ...by(y('npm_[A-Za-z0-9_]{36}'), 'npm_'),
  ...by(y('xox[bpaor]-'), 'xox'),
  ...by(y(':\\/\\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@'), '://'),
  ...lit('T3BlbkFJ', 'sk-ant-api0', 'lin_api_', 'github_pat_', 'ops_ey'),
  ...by(y('SG\\.\\w{1,128}\\.'), 'SG.'),
  ...by(y('shp(?:pa|ca|at|ss)_'), 'shp'),
  ...by(y('gh[pousr]_[A-Za-z0-9_]{36}'), 'gh'),
  // MAY_HOLD_SECRET_ANY_CASE (secrets.ts)
  ...anyCase('secret_?access', 'secret'),
  ...anyCase('hooks\\.slack\\.com', 'hooks.slack.com'),
  ...anyCase('mongodb(?:\\+srv)?:\\/\\/', 'mongodb'),
  ...anyCase('mysqlx?:\\/\\/', 'mysql'),
  ...anyCase('postgres(?:ql)?:\\/\\/', 'postgres'),
  ...anyCase('twilio', 'twilio'),
];

/** The discord-like token (PATTERN_HINTS' last alternative): no literal, tried at M, N, O. */
const DISCORD = y('[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.');

/** ASCII with letters folded to lower case. */
const FOLD = new Uint8Array(128);
for (let c = 0; c < 128; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;

/**
 * Rules by their anchor's first two chars, as they are (every case of them for the
 * any-case rules): BIGRAM[c0 << 7 | c1] - 1 indexes BY_BIGRAM.
 */
const BIGRAM = new Uint16Array(1 << 14);
const BY_BIGRAM: Rule[][] = [];
const cases = (c: number) => (FOLD[c] !== c || (c >= 97 && c <= 122) ? [c & ~32, c | 32] : [c]);
for (const r of RULES) {
  const [a, b] = [r.anchor.charCodeAt(0), r.anchor.charCodeAt(1)];
  for (const x of r.anyCase ? cases(a) : [a])
    for (const z of r.anyCase ? cases(b) : [b]) {
      const key = (x << 7) | z;
      if (BIGRAM[key] === 0) {
        BY_BIGRAM.push([]);
        BIGRAM[key] = BY_BIGRAM.length;
      }
      BY_BIGRAM[BIGRAM[key]! - 1]!.push(r);
    }
}

function anchorAt(text: string, i: number, r: Rule): boolean {
  const a = r.anchor;
  if (!r.anyCase) return text.startsWith(a, i);
  if (i + a.length > text.length) return false;
  for (let k = 0; k < a.length; k++) {
    const c = text.charCodeAt(i + k);
    if (c >= 128 || FOLD[c] !== a.charCodeAt(k)) return false;
  }
  return true;
}

function ruleAt(text: string, i: number, r: Rule): boolean {
  if (!anchorAt(text, i, r)) return false;
  if (!r.re) return true;
  const start = i - r.offset;
  if (start < 0) return false;
  r.re.lastIndex = start;
  return r.re.test(text);
}

/**
 * The discord-like token's first dot follows its 24-26 leading chars. It is at least 32
 * chars long: shorter tails cannot match (and every char read below is then in bounds:
 * an out-of-bounds read deoptimizes the compiled loop).
 */
function discordAt(text: string, i: number): boolean {
  if (i + 32 > text.length) return false;
  if (text.charCodeAt(i + 24) !== 46 && text.charCodeAt(i + 25) !== 46 && text.charCodeAt(i + 26) !== 46)
    return false;
  DISCORD.lastIndex = i;
  return DISCORD.test(text);
}

/** Whether any of the prefilter's content hints occurs in `text` (see the module doc). */
export function hasSecretHint(text: string): boolean {
  const n = text.length;
  let prev = 128; // no bigram ends at the first char
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      prev = 128;
      continue;
    }
    if ((c === 77 || c === 78 || c === 79) && discordAt(text, i)) return true;
    if (prev < 128) {
      const list = BIGRAM[(prev << 7) | c]!;
      if (list !== 0) for (const r of BY_BIGRAM[list - 1]!) if (ruleAt(text, i - 1, r)) return true;
    }
    prev = c;
  }
  return false;
}

/**
 * Texts that take each branch of the pass without a hint (non-ASCII, a discord-like start,
 * anchors whose rule fails, any-case anchors): run at load, so the loop V8 compiles has
 * seen them all and is not thrown away at the first file that meets one.
 */
const WARM_UP = [
  'é Mxxxxxxxxxxxxxxxxxxxxxxxx.x.y Nope Other AIzaX sk_live_x eyJx SKx gh_ sig=x ://x@',
  'SECRET Secret secret_x Mongodb mysql Postgres hooks.x Twilix ACCOUNT_ID= account Q~ 1:AAx',
];
for (let k = 0; k < 3; k++) for (const t of WARM_UP) hasSecretHint(t);
