const SLOTS = 1 << 19; // > 2.5× the largest vocabulary (o200k: 199,998 tokens)

/**
 * Mergeable ranks keyed by the token's bytes as a latin1 string, in an open-addressing
 * table probed by FNV-1a over a *range* of a string: BPE looks up thousands of
 * sub-slices per unseen piece, and comparing in place (`startsWith` at an offset) avoids
 * allocating a slice for each lookup.
 */
export class RankTable {
  private readonly table = new Int32Array(SLOTS);
  private readonly keys: string[] = [];
  private readonly ranks: number[] = [];
  /** Rank of each 2-char piece of chars < 256 (bytes), filled lazily: -2 unknown, -1 none. */
  private readonly pairs = new Int32Array(1 << 16).fill(-2);

  set(key: string, rank: number): void {
    let slot = hash(key, 0, key.length) & (SLOTS - 1);
    while (this.table[slot] !== 0) slot = (slot + 1) & (SLOTS - 1);
    this.keys.push(key);
    this.ranks.push(rank);
    this.table[slot] = this.keys.length;
  }

  /** Rank of s[a, b), or -1 when those bytes are not a token. */
  get(s: string, a: number, b: number): number {
    const len = b - a;
    let slot = hash(s, a, b) & (SLOTS - 1);
    for (;;) {
      const e = this.table[slot]!;
      if (e === 0) return -1;
      const key = this.keys[e - 1]!;
      if (key.length === len && s.startsWith(key, a)) return this.ranks[e - 1]!;
      slot = (slot + 1) & (SLOTS - 1);
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
