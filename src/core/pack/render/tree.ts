import { quotePath } from './quote-path.js';

/**
 * The directory tree of `paths` (already in output order): two-space indents, `dir/`.
 * Names are quoted when they hold control characters; `marks` (path → reason) flags the
 * files that were selected but left out; a directory in `collapsed` (dir/ → text) is one
 * line with that text, nothing below it (a budget's condensed tree).
 */
export function renderTree(
  paths: readonly string[],
  marks?: ReadonlyMap<string, string>,
  collapsed?: ReadonlyMap<string, string>,
): string {
  const lines: string[] = [];
  let prev: string[] = [];
  let inside: string | undefined;
  for (const p of paths) {
    if (inside !== undefined && p.startsWith(inside)) continue;
    inside = undefined;
    const parts = p.split('/');
    let common = 0;
    while (common < parts.length - 1 && common < prev.length - 1 && parts[common] === prev[common]) common++;
    prev = parts;
    for (let d = common; d < parts.length - 1; d++) {
      const note = collapsed?.size ? collapsed.get(`${parts.slice(0, d + 1).join('/')}/`) : undefined;
      lines.push(`${'  '.repeat(d)}${quotePath(parts[d]!)}/${note ? `  ${note}` : ''}`);
      if (note) {
        inside = `${parts.slice(0, d + 1).join('/')}/`;
        prev = parts.slice(0, d + 1).concat(['']);
        break;
      }
    }
    if (inside !== undefined) continue;
    const mark = marks?.get(p);
    const name = quotePath(parts[parts.length - 1]!);
    lines.push(`${'  '.repeat(parts.length - 1)}${name}${mark ? `  [left out: ${mark}]` : ''}`);
  }
  return lines.join('\n');
}
