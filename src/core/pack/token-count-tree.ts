import { formatCount } from '../../util/format.js';
import { quotePath } from './render/quote-path.js';
import type { PackedFile } from './types.js';

/** One line of the token-count tree: a directory (path ends in '/') or a file. */
export interface TokenCountEntry {
  path: string;
  tokens: number;
  /** Depth below the packed directory (0 = top level). */
  depth: number;
}

/**
 * `--token-count-tree [N]`: tokens per directory and file, in tree order, showing only
 * entries of at least `min` tokens (a directory's count includes everything below it).
 */
export function tokenCountTree(files: readonly PackedFile[], min = 0): TokenCountEntry[] {
  const dirs = new Map<string, number>();
  for (const f of files) {
    for (let i = f.path.indexOf('/'); i >= 0; i = f.path.indexOf('/', i + 1)) {
      const d = f.path.slice(0, i + 1);
      dirs.set(d, (dirs.get(d) ?? 0) + f.tokens);
    }
  }
  const out: TokenCountEntry[] = [];
  const seen = new Set<string>();
  const depth = (p: string) => p.replace(/\/$/, '').split('/').length - 1;
  for (const f of files) {
    for (let i = f.path.indexOf('/'); i >= 0; i = f.path.indexOf('/', i + 1)) {
      const d = f.path.slice(0, i + 1);
      if (seen.has(d)) continue;
      seen.add(d);
      const t = dirs.get(d)!;
      if (t >= min) out.push({ path: d, tokens: t, depth: depth(d) });
    }
    if (f.tokens >= min) out.push({ path: f.path, tokens: f.tokens, depth: depth(f.path) });
  }
  return out;
}

/** The tree as indented text lines for stderr. */
export function formatTokenCountTree(entries: readonly TokenCountEntry[], min = 0): string {
  if (entries.length === 0) return `Token count tree:\n  (nothing with ≥ ${formatCount(min)} tokens)\n`;
  const lines = entries.map((e) => {
    const name = e.path.endsWith('/')
      ? `${e.path.slice(0, -1).split('/').pop()}/`
      : (e.path.split('/').pop() ?? e.path);
    return `  ${'  '.repeat(e.depth)}${quotePath(name)}  ${formatCount(e.tokens)}`;
  });
  return `Token count tree:\n${lines.join('\n')}\n`;
}
