/** The directory tree of `paths` (already in output order): two-space indents, `dir/`. */
export function renderTree(paths: readonly string[]): string {
  const lines: string[] = [];
  let prev: string[] = [];
  for (const p of paths) {
    const parts = p.split('/');
    let common = 0;
    while (common < parts.length - 1 && common < prev.length - 1 && parts[common] === prev[common]) common++;
    for (let d = common; d < parts.length - 1; d++) lines.push(`${'  '.repeat(d)}${parts[d]}/`);
    lines.push(`${'  '.repeat(parts.length - 1)}${parts[parts.length - 1]}`);
    prev = parts;
  }
  return lines.join('\n');
}
