import type { EncodingName, Vocabulary } from './encodings.js';
import { o200kPieceEnd } from './scan-o200k.js';

/** Memo entries kept before the piece memo is cleared (bounds memory on huge packs). */
const MEMO_LIMIT = 400_000;
const TABLE_SIZE = 1 << 20;
/** Piece boundaries recorded at the start of a scanned text (for joins, see `joined`). */
const HEAD = 1024;
/** A join must resynchronise within this many chars of the text's start. */
const RESYNC = 512;

/** What `scan` remembers about a text to count it later inside a bigger one. */
export interface TextScan {
  total: number;
  /** Piece boundary (≤ HEAD) → tokens of the text before it. */
  heads: Map<number, number>;
  /** Start of the second-to-last piece, and the tokens before it. */
  prevStart: number;
  prevSum: number;
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
  // Memo: table slots hold 1 + an index into keys/values; sized at 2× MEMO_LIMIT.
  private table = new Int32Array(TABLE_SIZE);
  private readonly mask = TABLE_SIZE - 1;
  private keys: string[] = [];
  private values: number[] = [];

  constructor(ref: Vocabulary) {
    this.ref = ref;
    this.encoding = ref.name;
    this.re = new RegExp(ref.splitRegex.source, 'uy');
    this.fast = ref.name === 'o200k_base' ? o200kPieceEnd : undefined;
  }

  /** End of the piece starting at `i`. */
  pieceEnd(text: string, i: number): number {
    if (this.fast) {
      const end = this.fast(text, i);
      if (end >= 0) return end;
    }
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
    let h = 0x811c9dc5;
    for (let j = i; j < end; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    const len = end - i;
    let slot = h & this.mask;
    for (;;) {
      const e = this.table[slot]!;
      if (e === 0) break;
      const key = this.keys[e - 1]!;
      if (key.length === len && text.startsWith(key, i)) return this.values[e - 1]!;
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
    this.table[slot] = this.keys.length;
    return t;
  }

  private reset(): void {
    this.table.fill(0);
    this.keys = [];
    this.values = [];
  }

  /** Exact token count of `text`. */
  count(text: string): number {
    let total = 0;
    let i = 0;
    const n = text.length;
    while (i < n) {
      const end = this.pieceEnd(text, i);
      total += this.lookup(text, i, end);
      i = end;
    }
    return total;
  }

  /** Count `text` and remember its first boundaries and its last pieces. */
  scan(text: string): TextScan {
    const heads = new Map<number, number>();
    let total = 0;
    let i = 0;
    let lastStart = 0;
    let lastSum = 0;
    let prevStart = 0;
    let prevSum = 0;
    const n = text.length;
    while (i < n) {
      const end = this.pieceEnd(text, i);
      prevStart = lastStart;
      prevSum = lastSum;
      lastStart = i;
      lastSum = total;
      total += this.lookup(text, i, end);
      i = end;
      if (i <= HEAD) heads.set(i, total);
    }
    return { total, heads, prevStart, prevSum };
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
    if (text.length <= 2 * HEAD) return this.count(lead + text + tail);
    const head = lead + text.slice(0, HEAD);
    let i = 0;
    let sum = 0;
    while (i < head.length) {
      const end = this.pieceEnd(head, i);
      sum += this.lookup(head, i, end);
      i = end;
      const p = i - lead.length;
      if (p > RESYNC) break;
      if (p <= 0) continue;
      const before = s.heads.get(p);
      if (before === undefined) continue;
      if (p > s.prevStart) break;
      return sum + (s.prevSum - before) + this.count(text.slice(s.prevStart) + tail);
    }
    return this.count(lead + text + tail);
  }
}
