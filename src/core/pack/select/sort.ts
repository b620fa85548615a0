/**
 * Output order: at each level a directory's entries before the level's files, names by
 * code unit. The directory tree is drawn in the same order, so the files follow the tree.
 */
export function sortPaths(paths: string[]): string[] {
  const keyed = paths.map((p) => ({ p, s: p.split('/') }));
  keyed.sort((a, b) => {
    const n = Math.min(a.s.length, b.s.length);
    for (let i = 0; i < n; i++) {
      const x = a.s[i]!;
      const y = b.s[i]!;
      if (x === y) continue;
      const xDir = i < a.s.length - 1;
      const yDir = i < b.s.length - 1;
      if (xDir !== yDir) return xDir ? -1 : 1;
      return x < y ? -1 : 1;
    }
    return a.s.length - b.s.length;
  });
  return keyed.map((k) => k.p);
}
