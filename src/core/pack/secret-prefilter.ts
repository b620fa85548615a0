/**
 * The secret prefilter's content test (PATTERN_HINTS, MAY_HOLD_SECRET and
 * MAY_HOLD_SECRET_ANY_CASE in secrets.ts / secret-patterns.ts) as ONE pass over the text.
 *
 * Three big alternations cost the regex engine every alternative at nearly every position
 * (~14% of a cold pack's worker time). Here each alternative is a rule: a literal anchor at
 * a fixed offset from the start of every match, and the alternative itself as a sticky
 * regex tried only where its anchor occurs. The pass looks up the pair of chars ending at
 * each position in one table (PAIRS): the anchors' first two chars, and the discord-like
 * token (no literal) at M, N or O, tried where its first dot must be. A pair's third char
 * (THIRD) settles most hits before any rule is tried. The result equals the three regexes'
 * (fuzzed and checked on real files in test/core/pack/secret-prefilter.test.ts): keep the
 * two in step.
 *
 * contentFlags is the same pass over a file's UTF-8 bytes (no decoded string: a
 * byte loop is ~1.7x cheaper than a charCodeAt one). It carries over because UTF-8 keeps
 * ASCII as single bytes and every byte of a multi-byte char is >= 0x80: pairs and
 * anchors are ASCII, so they sit at the same places, and an anchor's byte offset is a
 * char boundary. A rule's regex runs on a decoded window from its match start: a real
 * UTF-8 decode (non-u `\s` matches U+00A0, U+2028, U+FEFF, multi-byte chars), cut at a
 * char boundary so it is a prefix of the text there. The rules have no lookaround, `^`,
 * `$` or `\b` (shapeOf refuses them), so a match in the window is a match in the text,
 * and a miss is final once the window holds the longest possible match, reaches the end,
 * or holds a char no match can (outside the rule's alphabet); else the window grows.
 * The byte pass also notes, in the same table, whether XML's CDATA would have anything to
 * change (XML_PAIR), so the XML style need not scan the text again.
 */

interface Rule {
  /** Literal every match holds at `offset` chars from its start. */
  anchor: string;
  offset: number;
  /** The alternative (sticky); null when the anchor is the whole alternative. */
  re: RegExp | null;
  /** ASCII case-insensitive (the any-case hints). */
  anyCase: boolean;
  /** The longest match of `re` in UTF-16 units (Infinity: unbounded); 0 without `re`. */
  maxLen: number;
  /** Sticky: the longest run of chars a match of `re` can be made of; null without `re`. */
  alphabet: RegExp | null;
}

/**
 * Every rule has the same six fields in the same order: the pass reads them in its hot
 * loop, and rules of several shapes made V8 throw its compiled loop away each time it met
 * a new one (7-9 times a pack per thread).
 */
function rule(anchor: string, re: RegExp | null = null, offset = 0, anyCase = false): Rule {
  const shape = re ? shapeOf(re) : undefined;
  return {
    anchor,
    offset,
    re,
    anyCase,
    maxLen: shape ? shape.maxLen : 0,
    alphabet: shape ? shape.alphabet : null,
  };
}

/**
 * What the byte pass needs of a rule's regex: its longest match in UTF-16 units and a
 * sticky regex for runs of the chars any match is made of. Only the syntax the rules use
 * (literals, escapes, classes, (?:groups), |, ? * + {n} {n,} {n,m}, flags i and y);
 * anything else — `.`, `^`, `$`, `\b`, lookaround, backreferences, the u flag — throws at
 * load, as the window test would not hold for it.
 */
export function shapeOf(re: RegExp): { maxLen: number; alphabet: RegExp } {
  const src = re.source;
  if (/[^iy]/.test(re.flags)) throw new Error(`secret prefilter: flags of /${src}/`);
  const chars: string[] = [];
  let pos = 0;
  const fail = (): never => {
    throw new Error(`secret prefilter: unsupported regex /${src}/ at ${pos}`);
  };
  const alt = (): number => {
    let best = seq();
    while (src[pos] === '|') {
      pos++;
      best = Math.max(best, seq());
    }
    return best;
  };
  const seq = (): number => {
    let total = 0;
    while (pos < src.length && src[pos] !== '|' && src[pos] !== ')') {
      const len = atom();
      const times = quantifier();
      total += len === 0 ? 0 : len * times;
    }
    return total;
  };
  const atom = (): number => {
    const c = src[pos]!;
    if (c === '(') {
      if (!src.startsWith('(?:', pos)) fail();
      pos += 3;
      const len = alt();
      if (src[pos] !== ')') fail();
      pos++;
      return len;
    }
    if (c === '[') {
      let k = pos + 1;
      if (src[k] === '^') fail(); // a negated class could hold any char
      while (k < src.length && src[k] !== ']') k += src[k] === '\\' ? 2 : 1;
      if (k >= src.length) fail();
      chars.push(src.slice(pos, k + 1));
      pos = k + 1;
      return 1;
    }
    if (c === '\\') {
      const e = src[pos + 1] ?? fail();
      if (/[A-Za-z0-9]/.test(e) && !/[dsw]/.test(e)) fail();
      chars.push(src.slice(pos, pos + 2));
      pos += 2;
      return 1;
    }
    if ('.^$*+?{}[]()|'.includes(c)) fail();
    chars.push(c);
    pos++;
    return 1;
  };
  const quantifier = (): number => {
    const c = src[pos];
    let max = 1;
    if (c === '?' || c === '*' || c === '+') {
      pos++;
      max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(pos)) ?? fail();
      pos += m[0].length;
      max = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
    } else return 1;
    if (src[pos] === '?') pos++; // lazy: same longest match
    return max;
  };
  const maxLen = alt();
  if (pos !== src.length) fail();
  return { maxLen, alphabet: new RegExp(`(?:${[...new Set(chars)].join('|')})*`, re.flags) };
}

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

/**
 * The discord-like token (PATTERN_HINTS' last alternative): no literal, tried at M, N, O
 * (a rule for the byte pass's window; its anchor is not looked up).
 */
const DISCORD = rule('M', y('[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.'));

/** ASCII with letters folded to lower case. */
const FOLD = new Uint8Array(128);
for (let c = 0; c < 128; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;

/**
 * The pass's one table, by the pair of chars ending at each position: PAIRS[c0 << 8 | c1]
 * (c0, c1 ASCII, else 128: a non-ASCII char never starts or ends a pair, and rows and
 * columns 128-255 are empty, so the byte pass indexes it with raw bytes) is 0 for most
 * pairs; else 1 + the index in BY_PAIR of the rules whose anchor starts with the pair (as it
 * is, every case of it for the any-case rules; 0: none), plus DISCORD_PAIR where the
 * discord-like token may start (M, N or O, then a char of its alphabet). One load and one
 * test per char in the common case.
 */
const PAIRS = new Uint8Array(1 << 16);
const DISCORD_PAIR = 0x80;
const BY_PAIR: Rule[][] = [];
const cases = (c: number) => (FOLD[c] !== c || (c >= 97 && c <= 122) ? [c & ~32, c | 32] : [c]);
for (const r of RULES) {
  const [a, b] = [r.anchor.charCodeAt(0), r.anchor.charCodeAt(1)];
  for (const x of r.anyCase ? cases(a) : [a])
    for (const z of r.anyCase ? cases(b) : [b]) {
      const key = (x << 8) | z;
      if (PAIRS[key] === 0) {
        BY_PAIR.push([]);
        PAIRS[key] = BY_PAIR.length;
      }
      BY_PAIR[PAIRS[key]! - 1]!.push(r);
    }
}
/**
 * The entry of the pairs that may hold what XML's CDATA must change (render/xml.ts
 * `needsCdataWork`): a C0 control but tab, LF and CR (after any char or byte), `]]` (then
 * `>`), and bytes BF BE / BF BF (U+FFFE and U+FFFF are EF BF BE and EF BF BF). No rule
 * has them; only the byte pass notes them (contentFlags), the string pass passes over them.
 */
const XML_PAIR = DISCORD_PAIR - 1;
if (BY_PAIR.length >= XML_PAIR) throw new Error('secret prefilter: too many anchor pairs');
for (const x of [77, 78, 79])
  for (let c = 0; c < 128; c++) {
    DISCORD.alphabet!.lastIndex = 0;
    DISCORD.alphabet!.test(String.fromCharCode(c));
    if (DISCORD.alphabet!.lastIndex === 1) PAIRS[(x << 8) | c]! |= DISCORD_PAIR;
  }
const xmlPair = (key: number) => {
  if (PAIRS[key] !== 0) throw new Error('secret prefilter: an XML pair is a rule pair');
  PAIRS[key] = XML_PAIR;
};
for (let c = 0; c < 32; c++)
  if (c !== 9 && c !== 10 && c !== 13) for (let x = 0; x < 256; x++) xmlPair((x << 8) | c);
for (const key of [0x5d5d, 0xbfbe, 0xbfbf]) xmlPair(key);

/**
 * The chars that may follow each pair (128-255: a non-ASCII char or byte, or the end):
 * THIRD[(list - 1) << 8 | c] is 1 when some rule of BY_PAIR[list - 1] may match with `c`
 * third. Most pairs of rules are common ones (`se`, `li`, `po`, `pr`, `ac`): of the 2.1 M
 * the bench corpus holds, this settles 1.8 M without trying their rules.
 */
const THIRD = new Uint8Array(BY_PAIR.length << 8);
BY_PAIR.forEach((list, k) => {
  for (const r of list) {
    if (r.anchor.length < 3) THIRD.fill(1, k << 8, (k + 1) << 8);
    else
      for (const c of r.anyCase ? cases(r.anchor.charCodeAt(2)) : [r.anchor.charCodeAt(2)])
        THIRD[(k << 8) | c] = 1;
  }
});

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
  DISCORD.re!.lastIndex = i;
  return DISCORD.re!.test(text);
}

/** Whether any of the prefilter's content hints occurs in `text` (see the module doc). */
export function hasSecretHint(text: string): boolean {
  const n = text.length;
  let prev = 128; // no pair ends at the first char
  for (let i = 0; i < n; i++) {
    // up to the next pair hit, in a loop of its own (see contentFlags)
    let v = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      const k = Math.min(c, 128);
      v = PAIRS[(prev << 8) | k]!;
      prev = k;
      if (v !== 0) break;
    }
    if (v !== 0 && pairAt(text, i - 1, v)) return true;
  }
  return false;
}

/** The rules (and the discord-like token) of pair entry `v`, at its pair's start `p`. */
function pairAt(text: string, p: number, v: number): boolean {
  if ((v & DISCORD_PAIR) !== 0 && discordAt(text, p)) return true;
  const list = v & (DISCORD_PAIR - 1);
  if (list === 0 || list === XML_PAIR) return false;
  const d = p + 2 < text.length ? Math.min(text.charCodeAt(p + 2), 128) : 128;
  if (THIRD[((list - 1) << 8) | d] === 0) return false;
  // indexed: leaving a for-of early looks up the iterator's `return`, a deopt at the first hint
  const rules = BY_PAIR[list - 1]!;
  for (let k = 0; k < rules.length; k++) if (ruleAt(text, p, rules[k]!)) return true;
  return false;
}

/**
 * A rule's first window: its longest match in bytes when all ASCII, at most WINDOW bytes;
 * then it grows GROW times at each step.
 */
const WINDOW = 128;
const GROW = 4;

/**
 * Whether `r.re` matches at byte `s` (a char boundary) of `buf`, which ends at `end`: on
 * a decoded window that grows until the answer is certain (see the module doc).
 */
function matchesAt(buf: Buffer, s: number, end: number, r: Rule): boolean {
  const re = r.re!;
  for (let w = Math.min(r.maxLen, WINDOW); ; w *= GROW) {
    let e = s + w;
    if (e >= end) e = end;
    else while (e < end && (buf[e]! & 0xc0) === 0x80) e++; // not inside a char
    const win = buf.toString('utf8', s, e);
    re.lastIndex = 0;
    if (re.test(win)) return true;
    if (e === end || win.length >= r.maxLen) return false;
    // a longer match would be made of the whole window
    const alphabet = r.alphabet!;
    alphabet.lastIndex = 0;
    alphabet.test(win);
    if (alphabet.lastIndex < win.length) return false;
  }
}

function anchorAtBytes(buf: Buffer, i: number, end: number, r: Rule): boolean {
  const a = r.anchor;
  if (i + a.length > end) return false;
  if (r.anyCase) {
    for (let k = 0; k < a.length; k++) {
      const c = buf[i + k]!;
      if (c >= 128 || FOLD[c] !== a.charCodeAt(k)) return false;
    }
  } else for (let k = 0; k < a.length; k++) if (buf[i + k] !== a.charCodeAt(k)) return false;
  return true;
}

function ruleAtBytes(buf: Buffer, i: number, start: number, end: number, r: Rule): boolean {
  if (!anchorAtBytes(buf, i, end, r)) return false;
  if (!r.re) return true;
  // `offset` chars back (a char is one lead byte and its continuation bytes)
  let s = i;
  for (let k = 0; k < r.offset; k++) {
    s--;
    while (s > start && (buf[s]! & 0xc0) === 0x80) s--;
  }
  if (s < start) return false;
  return matchesAt(buf, s, end, r);
}

/**
 * discordAt in bytes: the token is ASCII, so its chars are its bytes (and 32 bytes left is
 * never a stricter guard than 32 chars left).
 */
function discordAtBytes(buf: Buffer, i: number, end: number): boolean {
  if (i + 32 > end) return false;
  if (buf[i + 24] !== 46 && buf[i + 25] !== 46 && buf[i + 26] !== 46) return false;
  return matchesAt(buf, i, end, DISCORD);
}

/** contentFlags: the text holds a secret hint (the pass stops there). */
export const SECRET_HINT = 1;
/** contentFlags: XML's CDATA may have something to change (always set with SECRET_HINT). */
export const CDATA_WORK = 2;

/**
 * What the byte pass finds in `buf[start, end)` (valid UTF-8; text = its decoded string):
 * SECRET_HINT iff hasSecretHint(text) (see the module doc), and riding along, unless there
 * is a hint, CDATA_WORK iff render/xml.ts needsCdataWork(text).
 */
export function contentFlags(buf: Buffer, start: number, end: number): number {
  let prev = 128; // no pair ends at the first byte
  let flags = 0;
  for (let i = start; i < end; i++) {
    // Up to the next pair hit, in a loop of its own: with the hits' code inlined into the
    // one loop, V8 compiled the per-byte step ~40% slower (on the bench corpus).
    let v = 0;
    for (; i < end; i++) {
      const c = buf[i]!;
      v = PAIRS[(prev << 8) | c]!;
      prev = c;
      if (v !== 0) break;
    }
    if (v === 0) continue;
    // The flags as literals (checked by the tests): with `flags = CDATA_WORK` (a module
    // binding, of a type V8 does not know here) the per-byte loop ran ~20% slower.
    if (v !== XML_PAIR) {
      if (pairAtBytes(buf, i - 1, start, end, v)) return 3; // SECRET_HINT | CDATA_WORK
    } else if (cdataAt(buf, i - 1, start, end)) flags = 2; // CDATA_WORK
  }
  return flags;
}

/** Whether the XML pair at `p` (see XML_PAIR) is what it may be. */
function cdataAt(buf: Buffer, p: number, start: number, end: number): boolean {
  const c = buf[p + 1]!;
  if (c === 0x5d) return p + 2 < end && buf[p + 2] === 0x3e; // ]]>
  if (c >= 0x80) return p > start && buf[p - 1] === 0xef; // U+FFFE, U+FFFF
  return true; // a control
}

/** pairAt in bytes. */
function pairAtBytes(buf: Buffer, p: number, start: number, end: number, v: number): boolean {
  if ((v & DISCORD_PAIR) !== 0 && discordAtBytes(buf, p, end)) return true;
  const list = v & (DISCORD_PAIR - 1);
  if (list === 0) return false;
  const d = p + 2 < end ? buf[p + 2]! : 128;
  if (THIRD[((list - 1) << 8) | d] === 0) return false;
  const rules = BY_PAIR[list - 1]!;
  for (let k = 0; k < rules.length; k++) if (ruleAtBytes(buf, p, start, end, rules[k]!)) return true;
  return false;
}

/**
 * Texts that take each branch of the pass (non-ASCII, a discord-like start, anchors whose
 * rule fails, any-case anchors, windows that grow or end inside a char, XML pairs, a hint): run at
 * load, as strings and as bytes, so the loops V8 compiles have seen them all and are not
 * thrown away at the first file that meets one.
 */
const WARM_UP = [
  'é Mxxxxxxxxxxxxxxxxxxxxxxxx.x.y Nope Other AIzaX sk_live_x eyJx SKx gh_ sig=x ://x@ a[b[0]] \x1b \uffff \u0fff',
  'SECRET Secret secret_x Mongodb mysql Postgres hooks.x Twilix ACCOUNT_ID= account Q~ 1:AAx',
  `中 _auth\u00a0x eyJ${'x'.repeat(200)}. ://${'x'.repeat(300)}:x _auth ${'\u2028'.repeat(50)}x`,
  'AIDA',
];
const WARM_BYTES = WARM_UP.map((t) => Buffer.from(t));
// V8 gives a function its feedback vector (where it records what it met) only after ~8
// calls: fewer rounds left branches that a pack reached first unrecorded (a deopt there)
for (let k = 0; k < 12; k++) {
  for (const t of WARM_UP) hasSecretHint(t);
  for (const b of WARM_BYTES) contentFlags(b, 0, b.length);
}
