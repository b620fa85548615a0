import { quotePath } from './quote-path.js';

/**
 * The directory tree of `paths` (already in output order): two-space indents, `dir/`.
 * Names are quoted when they hold control characters; `marks` (path → reason) flags the
 * files that were selected but left out.
 */
export function renderTree(paths: readonly string[], marks?: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  let prev: string[] = [];
  for (const p of paths) {
    const parts = p.split('/');
    let common = 0;
    while (common < parts.length - 1 && common < prev.length - 1 && parts[common] === prev[common]) common++;
    for (let d = common; d < parts.length - 1; d++) lines.push(`${'  '.repeat(d)}${quotePath(parts[d]!)}/`);
    const mark = marks?.get(p);
    const name = quotePath(parts[parts.length - 1]!);
    lines.push(`${'  '.repeat(parts.length - 1)}${name}${mark ? `  [left out: ${mark}]` : ''}`);
    prev = parts;
  }
  return lines.join('\n');
}
