/**
 * Token count of one pre-tokenizer piece by byte-pair merging: tiktoken's algorithm (merge
 * the lowest-ranked adjacent pair, leftmost on ties, until no pair is a token). `piece` is
 * the piece's UTF-8 bytes as a latin1 string (one char per byte; for ASCII, the piece
 * itself), so pairs are looked up by plain string slices, with no per-lookup decoding.
 */
export function mergeCount(
  piece: string,
  ranks: Map<string, number>,
  rankOf?: (bytes: string) => number | undefined,
): number {
  const n = piece.length;
  if (n <= 1) return n;
  // starts[0..parts] are part boundaries; rank[i] merges part i with part i+1.
  const starts = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) starts[i] = i;
  const rank = new Float64Array(n);
  const get = rankOf ?? ((k: string) => ranks.get(k));
  for (let i = 0; i < n - 1; i++) rank[i] = get(piece.slice(i, i + 2)) ?? Number.POSITIVE_INFINITY;
  rank[n - 1] = Number.POSITIVE_INFINITY;
  let parts = n;
  const pair = (i: number) =>
    i + 2 > parts
      ? Number.POSITIVE_INFINITY
      : (get(piece.slice(starts[i]!, starts[i + 2]!)) ?? Number.POSITIVE_INFINITY);
  while (parts > 1) {
    let lowest = Number.POSITIVE_INFINITY;
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
    rank[at] = pair(at);
    if (at > 0) rank[at - 1] = pair(at - 1);
  }
  return parts;
}
