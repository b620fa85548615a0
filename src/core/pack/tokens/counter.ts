import type { EncodingName, ReferenceEncoding } from './encodings.js';
import { o200kPieceEnd } from './scan-o200k.js';

/** Memo entries kept before the piece memo is cleared (bounds memory on huge packs). */
const MEMO_LIMIT = 400_000;
const TABLE_SIZE = 1 << 20;

/**
 * Exact, count-only tokenizer: splits text into the reference pre-tokenizer's pieces (an
 * ASCII fast path, the reference regex otherwise) and sums each piece's BPE token count,
 * memoized per piece. No token arrays are built. Equal to `encode(text).length` by
 * construction: encode is the concatenation of each piece's BPE.
 */
export class TokenCounter {
  readonly encoding: EncodingName;
  private readonly ref: ReferenceEncoding;
  private readonly re: RegExp;
  private readonly fast: ((text: string, i: number) => number) | undefined;
  // Memo: table slots hold 1 + an index into keys/values; sized at 2× MEMO_LIMIT.
  private table = new Int32Array(TABLE_SIZE);
  private readonly mask = TABLE_SIZE - 1;
  private keys: string[] = [];
  private values: number[] = [];

  constructor(ref: ReferenceEncoding) {
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
    const piece = text.slice(i, end);
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
}
