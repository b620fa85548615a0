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
    starts.copyWithin(at + 1, at + 2, parts + 1);
    rank.copyWithin(at, at + 1, parts);
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
 */
function heapMerge(n: number, look: Look): number {
  const next = new Int32Array(n + 1); // part start → next part's start (n = end)
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap();
  for (let i = 0; i < n - 1; i++) {
    const r = look(i, i + 2);
    if (r !== NONE) heap.push(r, i, i + 2);
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
      if (r !== NONE) heap.push(r, s, next[e]!);
    }
    if (s > 0) {
      const p = prev[s]!;
      const r = look(p, e);
      if (r !== NONE) heap.push(r, p, e);
    }
  }
  return parts;
}

/** A binary min-heap of (rank, start, end), ordered by rank then start. */
class PairHeap {
  private rank: number[] = [];
  private start: number[] = [];
  private end: number[] = [];
  size = 0;

  private less(a: number, b: number): boolean {
    const ra = this.rank[a]!;
    const rb = this.rank[b]!;
    return ra < rb || (ra === rb && this.start[a]! < this.start[b]!);
  }

  private swap(a: number, b: number): void {
    for (const arr of [this.rank, this.start, this.end]) {
      const t = arr[a]!;
      arr[a] = arr[b]!;
      arr[b] = t;
    }
  }

  push(r: number, s: number, e: number): void {
    let i = this.size++;
    this.rank[i] = r;
    this.start[i] = s;
    this.end[i] = e;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  topStart(): number {
    return this.start[0]!;
  }

  topEnd(): number {
    return this.end[0]!;
  }

  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.rank[0] = this.rank[last]!;
      this.start[0] = this.start[last]!;
      this.end[0] = this.end[last]!;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.less(l, m)) m = l;
      if (r < this.size && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
