/**
 * The code a spec or plan was made from, recorded in the file itself as an HTML comment
 * (invisible when rendered, kept by hand edits, parsed by nothing else):
 * `<!-- specloop: made from the code at tree 3f2a… -->`. The commit's TREE id, not its
 * commit id: the same files give the same id in a replay in a fresh clone (files stay
 * byte for byte equal) and after a rebase; drift finds the commit that has it.
 */
const LINE = /<!--\s*specloop: made from the code at tree ([0-9a-f]{7,64})\s*-->/;

export function provenanceComment(tree: string): string {
  return `<!-- specloop: made from the code at tree ${tree} -->`;
}

/** The recorded tree id, or undefined (older files, greenfield specs made before any commit). */
export function readProvenance(text: string): string | undefined {
  return LINE.exec(text)?.[1];
}

/** `text` with its provenance line set to `tree` (first line of a plan, last of a spec). */
export function withProvenance(text: string, tree: string | undefined, where: 'top' | 'bottom'): string {
  if (!tree) return text;
  const bare = text.replace(new RegExp(`${LINE.source}\\n?`), '');
  return where === 'top'
    ? `${provenanceComment(tree)}\n${bare}`
    : `${bare.trimEnd()}\n\n${provenanceComment(tree)}\n`;
}

/**
 * `text` without its provenance line. Prompts built from a spec or plan use this: the
 * model has no use for it.
 */
export function stripProvenance(text: string): string {
  return text.replace(new RegExp(`${LINE.source}\\n?`), '');
}
