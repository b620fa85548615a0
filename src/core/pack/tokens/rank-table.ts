const SLOTS = 1 << 19; // > 2.5× the largest vocabulary (o200k: 199,998 tokens)
const MASK = SLOTS - 1;
/** Int32s per slot: the key's first 8 bytes (two words), length << 18 | rank, blob offset. */
const W = 4;
const RANK_BITS = 18; // ranks < 262,144
const RANK_MASK = (1 << RANK_BITS) - 1;
/**
 * First word of a serialized table (`toBytes`): bump it whenever the slot layout or `mix`
 * changes (the slots are stored as they are, little-endian like every platform Node runs on).
 */
const RANKS_MAGIC = 0x52414e32; // 'RAN2'

/** A built table as plain shared memory: what a worker thread adopts instead of parsing. */
export interface SharedRanks {
  table: Int32Array;
  blob: Uint8Array;
}

/**
 * Mergeable ranks keyed by the token's bytes (as a latin1 string), in an open-addressing
 * table probed over a *range* of a string: BPE looks up thousands of sub-slices per
 * unseen piece, and comparing in place avoids allocating a slice for each lookup.
 * Each slot holds the key's first eight bytes packed into two words, its length and rank,
 * and where the rest of it sits in ONE buffer of all keys (`blob`): a key of up to eight
 * bytes (nearly every lookup inside a piece) is decided by one slot, one cache line, with
 * no load from the blob. The table lives in shared memory, built once per process and
 * lent to the pack's worker threads (read-only after the build).
 */
export class RankTable {
  private readonly table: Int32Array;
  private readonly blob: Uint8Array;
  /** Rank of each 2-char piece of chars < 256 (bytes), filled lazily: -2 unknown, -1 none. */
  private readonly pairs = new Int32Array(1 << 16).fill(-2);

  private constructor(shared: SharedRanks) {
    this.table = shared.table;
    this.blob = shared.blob;
  }

  /** Adopt a table another thread built (see `shared`). */
  static adopt(shared: SharedRanks): RankTable {
    return new RankTable(shared);
  }

  /** Build from keys end to end in `blob` (`offsets` has one entry per key plus the end). */
  static build(blob: Uint8Array, offsets: Int32Array, ranks: Int32Array): RankTable {
    const keys = new Uint8Array(new SharedArrayBuffer(blob.length));
    keys.set(blob);
    const t = new Int32Array(new SharedArrayBuffer(SLOTS * W * 4));
    const n = ranks.length;
    for (let i = 0; i < n; i++) {
      const a = offsets[i]!;
      const len = offsets[i + 1]! - a;
      if (ranks[i]! > RANK_MASK || len >= 1 << (31 - RANK_BITS)) throw new Error('token table out of range');
      const w0 = wordOf(keys, a, Math.min(a + 4, a + len));
      const w1 = len > 4 ? wordOf(keys, a + 4, Math.min(a + 8, a + len)) : 0;
      let slot = mix(w0, w1, len) & MASK;
      while (t[slot * W + 2] !== 0) slot = (slot + 1) & MASK;
      const k = slot * W;
      t[k] = w0;
      t[k + 1] = w1;
      t[k + 2] = (len << RANK_BITS) | ranks[i]!; // never 0: len >= 1
      t[k + 3] = a;
    }
    return new RankTable({ table: t, blob: keys });
  }

  /**
   * The built table as bytes (see `RANKS_MAGIC`): a small head, the slots as they are, then
   * the keys. `fromBytes` takes them back with two copies and no parsing or hashing, so the
   * build ships a table per encoding (tsup.config.ts) and a pack's first count does not
   * wait ~120-200 ms for the vocabulary to be parsed. (Only the filled slots, re-spread on
   * load, would be a smaller file but a ~30 ms load: the slot loop runs once, cold.)
   */
  toBytes(sourceBytes: number): Buffer {
    const head = new Int32Array([RANKS_MAGIC, SLOTS, this.blob.length, sourceBytes]);
    return Buffer.concat([
      new Uint8Array(head.buffer),
      new Uint8Array(this.table.buffer, this.table.byteOffset, this.table.byteLength),
      this.blob,
    ]);
  }

  /**
   * The table `toBytes` wrote from a vocabulary file of `sourceBytes` bytes, or undefined
   * when `bytes` is not that (another layout, another vocabulary, torn): then parse instead.
   */
  static fromBytes(bytes: Uint8Array, sourceBytes: number): RankTable | undefined {
    const H = 16;
    const tableBytes = SLOTS * W * 4;
    if (bytes.byteLength < H) return undefined;
    const head = new DataView(bytes.buffer, bytes.byteOffset, H);
    const word = (i: number) => head.getInt32(4 * i, true);
    const blobLength = word(2);
    if (
      word(0) !== RANKS_MAGIC ||
      word(1) !== SLOTS ||
      word(3) !== sourceBytes ||
      blobLength <= 0 ||
      H + tableBytes + blobLength !== bytes.byteLength
    )
      return undefined;
    const table = new Int32Array(new SharedArrayBuffer(tableBytes));
    new Uint8Array(table.buffer).set(bytes.subarray(H, H + tableBytes));
    const blob = new Uint8Array(new SharedArrayBuffer(blobLength));
    blob.set(bytes.subarray(H + tableBytes));
    return new RankTable({ table, blob });
  }

  /** The table's memory, to hand to another thread (it is shared, not copied). */
  get shared(): SharedRanks {
    return { table: this.table, blob: this.blob };
  }

  /** Rank of s[a, b), or -1 when those bytes are not a token. */
  get(s: string, a: number, b: number): number {
    const len = b - a;
    const w0 = word(s, a, len < 4 ? b : a + 4);
    const w1 = len > 4 ? word(s, a + 4, len < 8 ? b : a + 8) : 0;
    const t = this.table;
    let slot = mix(w0, w1, len) & MASK;
    for (;;) {
      const k = slot * W;
      const meta = t[k + 2]!;
      if (meta === 0) return -1;
      if (meta >>> RANK_BITS === len && t[k] === w0 && t[k + 1] === w1) {
        if (len <= 8) return meta & RANK_MASK;
        const off = t[k + 3]!;
        const blob = this.blob;
        let j = 8;
        while (j < len && blob[off + j] === s.charCodeAt(a + j)) j++;
        if (j === len) return meta & RANK_MASK;
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

/** Chars s[a, b) (b - a <= 4, each < 256) packed into one word, first char lowest. */
function word(s: string, a: number, b: number): number {
  let w = 0;
  for (let j = b - 1; j >= a; j--) w = (w << 8) | s.charCodeAt(j);
  return w;
}

/** The same packing for bytes. */
function wordOf(s: Uint8Array, a: number, b: number): number {
  let w = 0;
  for (let j = b - 1; j >= a; j--) w = (w << 8) | s[j]!;
  return w;
}

function mix(w0: number, w1: number, len: number): number {
  let h = Math.imul(w0 ^ Math.imul(w1 ^ len, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
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
  return RankTable.build(bytes.subarray(0, out), offsets.subarray(0, n + 1), ranks.subarray(0, n));
}
