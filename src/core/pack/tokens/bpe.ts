import type { RankTable } from './rank-table.js';

const NONE = Number.POSITIVE_INFINITY;
/** Pieces at least this long merge through a heap (n log n) instead of rescans (n²). */
const HEAP_FROM = 64;

type Look = (a: number, b: number) => number;

/**
 * Token count of one pre-tokenizer piece by byte-pair merging: tiktoken's algorithm (merge
 * the lowest-ranked adjacent pair, leftmost on ties, until no pair is a token). `piece` is
 * the piece's UTF-8 bytes as a latin1 string (one char per byte; for ASCII, the piece
 * itself). `rankOf` overrides the lookup (see the U+FEFF quirk in encodings.ts).
 */
export function mergeCount(
  piece: string,
  ranks: RankTable,
  rankOf?: (bytes: string) => number | undefined,
): number {
  const n = piece.length;
  if (n <= 1) return n;
  if (n < HEAP_FROM && !rankOf) return scanMerge(piece, ranks);
  const look: Look = (a, b) => {
    if (rankOf) return rankOf(piece.slice(a, b)) ?? NONE;
    const r = ranks.get(piece, a, b);
    return r < 0 ? NONE : r;
  };
  return heapMerge(n, look);
}

// Scratch space for short pieces (merging allocates nothing).
const STARTS = new Int32Array(HEAP_FROM + 1);
const RANK = new Float64Array(HEAP_FROM);

const rankAt = (piece: string, ranks: RankTable, a: number, b: number): number => {
  const r = ranks.get(piece, a, b);
  return r < 0 ? NONE : r;
};

/** The reference's own loop for short pieces: rescan for the lowest rank after every merge. */
function scanMerge(piece: string, ranks: RankTable): number {
  const n = piece.length;
  // STARTS[0..parts] are part boundaries; RANK[i] merges part i with part i+1.
  const starts = STARTS;
  const rank = RANK;
  for (let i = 0; i <= n; i++) starts[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const r = ranks.pair(piece, i);
    rank[i] = r < 0 ? NONE : r;
  }
  rank[n - 1] = NONE;
  let parts = n;
  while (parts > 1) {
    let lowest = NONE;
    let at = -1;
    for (let i = 0; i < parts - 1; i++) {
      if (rank[i]! < lowest) {
        lowest = rank[i]!;
        at = i;
      }
    }
    if (at < 0) break;
    // Plain loops: copyWithin is a call into the runtime, dearer than moving < 64 slots.
    for (let j = at + 1; j < parts; j++) starts[j] = starts[j + 1]!;
    for (let j = at; j < parts - 1; j++) rank[j] = rank[j + 1]!;
    parts--;
    rank[at] = at + 2 > parts ? NONE : rankAt(piece, ranks, starts[at]!, starts[at + 2]!);
    if (at > 0) rank[at - 1] = rankAt(piece, ranks, starts[at - 1]!, starts[at + 1]!);
  }
  return parts;
}

/**
 * Same merges, same order, for long pieces (a megabyte of hex is one piece): candidate
 * pairs sit in a min-heap ordered by (rank, start), so "lowest rank, leftmost first" is
 * the heap's top; entries made stale by a neighbour's merge are skipped when popped.
 * A heap entry is one double, rank * 2^32 + start (exact: ranks < 2^18), beside its end.
 */
function heapMerge(n: number, look: Look): number {
  const next = new Int32Array(n + 1); // part start → next part's start (n = end)
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  // Every merge pushes at most two entries: n initial pairs + 2 per merge bounds the heap.
  const heap = new PairHeap(3 * n);
  for (let i = 0; i < n - 1; i++) {
    const r = look(i, i + 2);
    if (r !== NONE) heap.push(r * SHIFT + i, i + 2);
  }
  let parts = n;
  while (heap.size > 0) {
    const s = heap.topStart();
    const e = heap.topEnd();
    heap.pop();
    const right = next[s]!;
    if (!alive[s] || right >= n || next[right] !== e) continue; // stale
    alive[right] = 0;
    next[s] = e;
    if (e < n) prev[e] = s;
    parts--;
    if (e < n) {
      const r = look(s, next[e]!);
      if (r !== NONE) heap.push(r * SHIFT + s, next[e]!);
    }
    if (s > 0) {
      const p = prev[s]!;
      const r = look(p, e);
      if (r !== NONE) heap.push(r * SHIFT + p, e);
    }
  }
  return parts;
}

const SHIFT = 2 ** 32;

/** A binary min-heap of (rank * 2^32 + start, end) in typed arrays. */
class PairHeap {
  private readonly key: Float64Array;
  private readonly end: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.key = new Float64Array(capacity);
    this.end = new Int32Array(capacity);
  }

  push(key: number, end: number): void {
    const k = this.key;
    const en = this.end;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      en[i] = en[p]!;
      i = p;
    }
    k[i] = key;
    en[i] = end;
  }

  topStart(): number {
    return this.key[0]! % SHIFT;
  }

  topEnd(): number {
    return this.end[0]!;
  }

  pop(): void {
    const k = this.key;
    const en = this.end;
    const size = --this.size;
    if (size === 0) return;
    const key = k[size]!;
    const end = en[size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && k[r]! < k[l]! ? r : l;
      if (k[m]! >= key) break;
      k[i] = k[m]!;
      en[i] = en[m]!;
      i = m;
    }
    k[i] = key;
    en[i] = end;
  }
}
