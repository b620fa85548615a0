const SLOTS = 1 << 19; // > 2.5× the largest vocabulary (o200k: 199,998 tokens)
const MASK = SLOTS - 1;

/**
 * Mergeable ranks keyed by the token's bytes as a latin1 string, in an open-addressing
 * table probed by FNV-1a over a *range* of a string: BPE looks up thousands of
 * sub-slices per unseen piece, and comparing in place avoids allocating a slice for each
 * lookup. Keys live end to end in ONE latin1 string (`blob`, at `offsets[i]`), not as
 * 200k strings: building the table is then one pass with no per-token allocation, which
 * took most of a vocabulary load (each worker, and the main thread, loads one).
 */
export class RankTable {
  private readonly table = new Int32Array(SLOTS);
  /** Rank of each 2-char piece of chars < 256 (bytes), filled lazily: -2 unknown, -1 none. */
  private readonly pairs = new Int32Array(1 << 16).fill(-2);

  /** `offsets` has one entry per key plus the end; `ranks[i]` belongs to key i. */
  constructor(
    private readonly blob: string,
    private readonly offsets: Int32Array,
    private readonly ranks: Int32Array,
  ) {
    const n = ranks.length;
    for (let i = 0; i < n; i++) {
      let slot = hash(blob, offsets[i]!, offsets[i + 1]!) & MASK;
      while (this.table[slot] !== 0) slot = (slot + 1) & MASK;
      this.table[slot] = i + 1;
    }
  }

  /** Rank of s[a, b), or -1 when those bytes are not a token. */
  get(s: string, a: number, b: number): number {
    const len = b - a;
    const blob = this.blob;
    let slot = hash(s, a, b) & MASK;
    for (;;) {
      const e = this.table[slot]!;
      if (e === 0) return -1;
      const off = this.offsets[e - 1]!;
      if (this.offsets[e]! - off === len) {
        let j = 0;
        while (j < len && blob.charCodeAt(off + j) === s.charCodeAt(a + j)) j++;
        if (j === len) return this.ranks[e - 1]!;
      }
      slot = (slot + 1) & MASK;
    }
  }

  /** Rank of the two chars s[a], s[a+1] (both < 256: a byte string), memoized. */
  pair(s: string, a: number): number {
    const k = (s.charCodeAt(a) << 8) | s.charCodeAt(a + 1);
    let r = this.pairs[k]!;
    if (r === -2) r = this.pairs[k] = this.get(s, a, a + 2);
    return r;
  }

  has(s: string): boolean {
    return this.get(s, 0, s.length) >= 0;
  }
}

function hash(s: string, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let j = a; j < b; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
  return h;
}

const B64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  B64[c.charCodeAt(0)] = i;

/**
 * Parse a `.tiktoken` file (one `base64-token rank` per line) into a RankTable, decoding
 * the base64 by hand into one byte buffer (Buffer.from per line was most of the load).
 */
export function parseTiktoken(file: Buffer): RankTable {
  let lines = 0;
  for (let i = 0; i < file.length; i++) if (file[i] === 10) lines++;
  if (file.length > 0 && file[file.length - 1] !== 10) lines++;
  const bytes = Buffer.allocUnsafe(file.length); // decoded tokens are shorter than their base64
  const offsets = new Int32Array(lines + 1);
  const ranks = new Int32Array(lines);
  let n = 0;
  let out = 0;
  let i = 0;
  while (i < file.length) {
    offsets[n] = out;
    let acc = 0;
    let bits = 0;
    let c = file[i]!;
    while (c !== 32 && i < file.length) {
      const v = c < 128 ? B64[c]! : -1;
      if (v >= 0) {
        acc = ((acc << 6) | v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes[out++] = (acc >> bits) & 0xff;
        }
      } else if (c !== 61) throw new Error(`bad token data at byte ${i}`); // '=' is padding
      c = file[++i]!;
    }
    i++; // the space
    let rank = 0;
    while (i < file.length && file[i] !== 10) rank = rank * 10 + (file[i++]! - 48);
    i++; // the newline
    ranks[n++] = rank;
  }
  offsets[n] = out;
  return new RankTable(bytes.toString('latin1', 0, out), offsets.subarray(0, n + 1), ranks.subarray(0, n));
}
