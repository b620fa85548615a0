import { type EncodingName, loadEncoding, type Vocabulary } from './encodings.js';
import { o200kPieceEnd } from './scan-o200k.js';

/** Memo entries kept before the piece memo is cleared (bounds memory on huge packs). */
const MEMO_LIMIT = 400_000;
/**
 * Slots of the memo and the short-piece table (3-8 ASCII chars) when a counter starts,
 * and the most they grow to. Both double when half full: a probe is a random access, and
 * tables sized for the worst case (12 MB a thread) sent nearly every probe to memory,
 * where tables sized to what a pack meets (~3 MB for a 13.8k-file tree) mostly stay in
 * the caches (the counter ~7% faster).
 */
const TABLE_START = 1 << 15;
const TABLE_MAX = 1 << 20;
const SHORT_START = 1 << 16;
const SHORT_MAX = 1 << 19;
/** How full the short-piece table may get at its largest before it is cleared. */
const SHORT_LIMIT = SHORT_MAX * 0.7;
/**
 * Slots of both tables during the warm-up: small enough that the warm-up texts make them
 * grow (so the grow paths have run before V8 compiles lookup), then grown to the START sizes.
 */
const WARM_SLOTS = 1 << 4;
/** Slots of the hot short-piece cache in front of it (128 KB: stays in a core's L2). */
const HOT_SLOTS = 1 << 14;
const HOT_MASK = HOT_SLOTS - 1;
/** Chars of a long text re-split at a join's head (see `joined`). */
const HEAD = 1024;
/** Piece boundaries a scan records at the start of a text (a join resyncs within a few). */
const HEAD_PIECES = 24;
/** A join must resynchronise within this many chars of the text's start. */
const RESYNC = 512;

/**
 * Short ASCII texts that take each branch of the scanner, the memo and the result once (see
 * TokenCounter's constructor). Only ASCII: two-byte strings and non-ASCII pieces here made
 * every compiled path generic, and an in-thread cold pack ~2 CPU-s slower.
 */
const WARM_UP = [
  'const x = 42;\n\tif (a !== b) return f(\'it\'\'s\', "They\'re", "we\'ll", "I\'ve", "o\'x", 1234567);\r\n  // ALLCAPS CamelCase snake_case\n\n   end  ',
  'https://example.com/a/b?c=d&e=f#g <div class="x">&amp;</div> {"k": [1, 2, 3]} \\n -- ++ :: => ?? 12.5e-3 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  // pieces over 8 chars (the memo's own keys), enough of them to grow its warm-up table
  ' internationalization characteristically constructor.prototype.hasOwnProperty documentation implementation.configuration.environment responsibilities',
  `${'-'.repeat(70)}\n`, // a piece of over 64 chars: the heap merge
  // a text may end in the middle of any kind of piece
  ...['x', 'X', 'XY', 'Ab', "a's", "A'", '12', '1234', ' ', '  ', '\n', ' \n', '!', ' !', '!\n/'],
];
/**
 * Pieces for the vocabulary's byte path (non-ASCII: UTF-8 bytes as latin1, words of all
 * four bytes set), given to `pieceTokens` itself, not through the scanner (see WARM_UP).
 */
const WARM_BYTES = [
  'é',
  ' ünïcode',
  '日本語',
  '\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff',
  ' \u{1F600}',
  '\uFEFFword', // the U+FEFF quirk (encodings.ts)
  'ü'.repeat(40), // over 64 bytes: the heap merge
];

/** What `scan` remembers about a text to count it later inside a bigger one. */
export interface TextScan {
  total: number;
  /** The first piece boundaries, and the tokens of the text before each. */
  heads: number[];
  headSums: number[];
  /** Start of the second-to-last piece, and the tokens before it. */
  prevStart: number;
  prevSum: number;
}

/**
 * A flat (sequential) copy of `s`. Slices and concatenations are views in V8; a scanner
 * that meets several string representations runs its char loop ~2× slower, so everything
 * we count is flat. (A UTF-16 round trip copies code units exactly, surrogates included.)
 */
export function flat(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * Exact, count-only tokenizer: splits text into the reference pre-tokenizer's pieces (an
 * ASCII fast path, the reference regex otherwise) and sums each piece's BPE token count,
 * memoized per piece. No token arrays are built. Equal to `encode(text).length` by
 * construction: encode is the concatenation of each piece's BPE.
 */
export class TokenCounter {
  readonly encoding: EncodingName;
  private readonly ref: Vocabulary;
  private readonly re: RegExp;
  private readonly fast: ((text: string, i: number) => number) | undefined;
  // Memo: slot k holds [hash, 1 + index into keys/values] at 2k, 2k+1; up to TABLE_MAX
  // slots (2.6× MEMO_LIMIT). Comparing the stored hash first keeps most probes off the heap.
  private table = new Int32Array(2 * WARM_SLOTS);
  private mask = WARM_SLOTS - 1;
  private keys: string[] = [];
  private values: number[] = [];
  private readonly pairs = new Uint8Array(1 << 14);
  /** Short-piece slots: [length << 28 | chars 0-3, tokens << 28 | chars 4-7], 0 = empty. */
  private short = new Int32Array(2 * WARM_SLOTS);
  private shortMask = WARM_SLOTS - 1;
  /**
   * The same slots, direct-mapped and small: the pieces met most often (code is Zipfian)
   * are answered from cache-resident memory; the big table (MBs, one cache miss a probe)
   * only for the rest. A slot is overwritten by the last piece that mapped to it.
   */
  private readonly hot = new Int32Array(2 * HOT_SLOTS);
  private shortCount = 0;

  constructor(ref: Vocabulary) {
    this.ref = ref;
    this.encoding = ref.name;
    this.re = new RegExp(ref.splitRegex.source, 'uy');
    this.fast = ref.name === 'o200k_base' ? o200kPieceEnd : undefined;
    // V8 compiles the scan loop from what it has seen run: a branch first taken after that
    // (the result built after the first long loop, a text ending inside a piece) throws the
    // compiled code away, and a worker deoptimized scan 85-234 times a pack. A few short
    // texts through those paths first avoid it.
    // The texts as a file's are: decoded from bytes, not literals (a literal is internalized,
    // another map: the first real text deoptimized scan).
    // Byte pieces first: the rank lookups then meet words of all four bytes set before they
    // are compiled (after, those deoptimized them: "not a Smi").
    for (const p of WARM_BYTES) ref.pieceTokens(p);
    const texts = WARM_UP.map((t) => Buffer.from(t, 'latin1').toString('latin1'));
    for (let k = 0; k < 3; k++) for (const t of texts) this.scan(t);
    // joined's two ways (a short text, one over HEAD chars), count's regex path
    const long = texts[0]!.repeat(Math.ceil((2 * HEAD) / texts[0]!.length));
    for (const t of [texts[0]!, long]) this.joined('<file path="a">\n', t, '\n</file>\n', this.scan(t));
    this.count('x = "é";');
    while (this.mask + 1 < TABLE_START) this.growTable();
    while (this.shortMask + 1 < SHORT_START) this.growShort();
  }

  /** End of the piece starting at `i`. */
  pieceEnd(text: string, i: number): number {
    if (this.fast) {
      const end = this.fast(text, i);
      if (end >= 0) return end;
    }
    return this.regexEnd(text, i);
  }

  /** End of the piece at `i` by the reference regex (non-ASCII text, cl100k). */
  private regexEnd(text: string, i: number): number {
    this.re.lastIndex = i;
    const m = this.re.exec(text);
    // Every character starts some alternative of both patterns; guard anyway.
    return m && m[0].length > 0 ? i + m[0].length : i + 1;
  }

  /** Tokens of one piece (memoized). */
  pieceTokens(piece: string): number {
    return this.lookup(piece, 0, piece.length);
  }

  /**
   * Tokens of the piece text[i, end), through an open-addressing table keyed by an FNV-1a
   * hash of the piece's chars: a hit compares in place (`startsWith` at i) and allocates
   * nothing, which is most of the speed over a Map keyed by sliced strings.
   */
  private lookup(text: string, i: number, end: number): number {
    const len = end - i;
    // Short ASCII pieces (a third of all pieces in code) skip the hash table: every
    // single byte is a token, and ASCII pairs get a 16 K direct-mapped table.
    const c0 = text.charCodeAt(i);
    if (len === 1 && c0 < 128) return 1;
    if (len === 2 && c0 < 128) {
      const c1 = text.charCodeAt(i + 1);
      if (c1 < 128) {
        const k = (c0 << 7) | c1;
        let t = this.pairs[k]!;
        if (t === 0) t = this.pairs[k] = this.ref.pieceTokens(text.slice(i, end));
        return t;
      }
    }
    if (len <= 8) {
      const t = this.lookupShort(text, i, end);
      if (t > 0) return t;
    }
    let h = 0x811c9dc5;
    for (let j = i; j < end; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    let slot = h & this.mask;
    for (;;) {
      const e = this.table[2 * slot + 1]!;
      if (e === 0) break;
      if (this.table[2 * slot] === h) {
        const key = this.keys[e - 1]!;
        if (key.length === len && text.startsWith(key, i)) return this.values[e - 1]!;
      }
      slot = (slot + 1) & this.mask;
    }
    // A long slice would be a view that keeps the whole text alive from the memo: copy it.
    const piece =
      len > 12 ? Buffer.from(text.slice(i, end), 'utf16le').toString('utf16le') : text.slice(i, end);
    const t = this.ref.pieceTokens(piece);
    if (this.keys.length >= MEMO_LIMIT) {
      this.reset();
      return t;
    }
    this.keys.push(piece);
    this.values.push(t);
    if (2 * this.keys.length > this.mask && this.mask + 1 < TABLE_MAX) {
      this.growTable();
      slot = h & this.mask;
      while (this.table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    }
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = this.keys.length;
    return t;
  }

  /** The memo's table at twice the size (it holds the hashes: nothing is hashed again). */
  private growTable(): void {
    const old = this.table;
    const t = new Int32Array(2 * old.length);
    const mask = old.length - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue;
      let slot = old[k]! & mask;
      while (t[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      t[2 * slot] = old[k]!;
      t[2 * slot + 1] = old[k + 1]!;
    }
    this.table = t;
    this.mask = mask;
  }

  /**
   * Pieces of 3-8 ASCII chars (most of the rest) are their own key: seven bits a char
   * packed into two ints (plus the length), looked up in one typed array (key and count
   * share a slot: one cache line a probe), with no hash pass over a string and no string
   * compare. Returns 0 for non-ASCII (caller falls back).
   */
  private lookupShort(text: string, i: number, end: number): number {
    let a = end - i;
    let b = 0;
    const mid = Math.min(end, i + 4);
    for (let j = i; j < mid; j++) {
      const c = text.charCodeAt(j);
      if (c >= 128) return 0;
      a = (a << 7) | c;
    }
    for (let j = mid; j < end; j++) {
      const c = text.charCodeAt(j);
      if (c >= 128) return 0;
      b = (b << 7) | c;
    }
    const h = shortHash(a, b);
    const hot = this.hot;
    const hs = 2 * ((h >>> 13) & HOT_MASK);
    const hb = hot[hs + 1]!;
    if (hot[hs] === a && (hb & 0x0fffffff) === b) return hb >>> 28;
    const mask = this.shortMask;
    let slot = h & mask;
    const t = this.short;
    for (;;) {
      const ka = t[2 * slot]!;
      if (ka === 0) break;
      const kb = t[2 * slot + 1]!;
      if (ka === a && (kb & 0x0fffffff) === b) {
        hot[hs] = a;
        hot[hs + 1] = kb;
        return kb >>> 28;
      }
      slot = (slot + 1) & mask;
    }
    const v = this.ref.pieceTokens(text.slice(i, end)); // 1-8: fits the 4 bits above b
    const kb = b | (v << 28);
    hot[hs] = a;
    hot[hs + 1] = kb;
    if (this.shortCount >= SHORT_LIMIT) {
      t.fill(0);
      this.shortCount = 0;
    } else if (2 * this.shortCount >= mask && mask + 1 < SHORT_MAX) {
      this.growShort();
      return this.putShort(a, kb, h, v);
    }
    t[2 * slot] = a;
    t[2 * slot + 1] = kb;
    this.shortCount++;
    return v;
  }

  /** The short-piece table at twice the size, every entry moved to its new slot. */
  private growShort(): void {
    const old = this.short;
    this.short = new Int32Array(2 * old.length);
    this.shortMask = old.length - 1;
    this.shortCount = 0;
    for (let k = 0; k < old.length; k += 2) {
      const a = old[k]!;
      if (a === 0) continue;
      const kb = old[k + 1]!;
      this.putShort(a, kb, shortHash(a, kb & 0x0fffffff), 0);
    }
  }

  /** Store an entry known to be absent; returns `v`. */
  private putShort(a: number, kb: number, h: number, v: number): number {
    const t = this.short;
    const mask = this.shortMask;
    let slot = h & mask;
    while (t[2 * slot] !== 0) slot = (slot + 1) & mask;
    t[2 * slot] = a;
    t[2 * slot + 1] = kb;
    this.shortCount++;
    return v;
  }

  private reset(): void {
    this.table.fill(0);
    this.keys = [];
    this.values = [];
  }

  /** Exact token count of `text` (any string: it is flattened first). */
  count(input: string): number {
    const text = flat(input);
    let total = 0;
    let i = 0;
    const n = text.length;
    const fast = this.fast;
    while (i < n) {
      let end = fast ? fast(text, i) : -1;
      if (end < 0) end = this.regexEnd(text, i);
      total += this.lookup(text, i, end);
      i = end;
    }
    return total;
  }

  /**
   * Count `text` and remember its first boundaries and its last pieces. For speed `text`
   * should already be flat (decoded from a buffer, or built by join / flat()).
   */
  scan(text: string): TextScan {
    const heads: number[] = [];
    const headSums: number[] = [];
    let total = 0;
    let i = 0;
    let lastStart = 0;
    let lastSum = 0;
    let prevStart = 0;
    let prevSum = 0;
    const n = text.length;
    const fast = this.fast;
    while (i < n) {
      let end = fast ? fast(text, i) : -1;
      if (end < 0) end = this.regexEnd(text, i);
      prevStart = lastStart;
      prevSum = lastSum;
      lastStart = i;
      lastSum = total;
      total += this.lookup(text, i, end);
      i = end;
      if (heads.length < HEAD_PIECES) {
        heads.push(i);
        headSums.push(total);
      }
    }
    return { total, heads, headSums, prevStart, prevSum };
  }

  /** Start of the last piece of `text` (0 for empty text). */
  lastPieceStart(text: string): number {
    let i = 0;
    let last = 0;
    while (i < text.length) {
      last = i;
      i = this.pieceEnd(text, i);
    }
    return last;
  }

  /**
   * Exact tokens of `lead + text + tail` without re-tokenizing `text`: splitting is
   * deterministic and looks ahead at most a run of one character class, so the joined
   * split equals the text's own split from the first boundary the two share (found in
   * the first RESYNC chars) until its second-to-last piece; only the seams are re-split.
   * Falls back to a full count when the seams do not resynchronise (or the text is short).
   */
  joined(lead: string, text: string, tail: string, s: TextScan): number {
    const n = text.length;
    if (n === 0 || s.prevStart === 0) return this.count(lead + text + tail);
    // Short texts: the head is the whole text and any boundary before the second-to-last
    // piece will do. Long ones: a slice, with RESYNC chars of margin after the boundary.
    const head = flat(n <= HEAD ? lead + text : lead + text.slice(0, HEAD));
    const limit = n <= HEAD ? s.prevStart : Math.min(RESYNC, s.prevStart);
    let i = 0;
    let sum = 0;
    while (i < head.length) {
      const end = this.pieceEnd(head, i);
      sum += this.lookup(head, i, end);
      i = end;
      const p = i - lead.length;
      if (p > limit) break;
      if (p <= 0) continue;
      const k = s.heads.indexOf(p);
      if (k < 0) continue;
      const before = s.headSums[k]!;
      return sum + (s.prevSum - before) + this.count(text.slice(s.prevStart) + tail);
    }
    return this.count(lead + text + tail);
  }
}

/** Hash of a short piece's packed chars (see lookupShort). */
function shortHash(a: number, b: number): number {
  const h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

const shared = new Map<EncodingName, Promise<TokenCounter>>();

/**
 * This thread's counter for `encoding`: one piece memo for everything counted here (files,
 * then the header and footer, which meet many of the same pieces).
 */
export function counterFor(encoding: EncodingName): Promise<TokenCounter> {
  let c = shared.get(encoding);
  if (!c) {
    c = loadEncoding(encoding).then((ref) => new TokenCounter(ref));
    shared.set(encoding, c);
  }
  return c;
}
