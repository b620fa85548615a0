/**
 * The commit a spec or plan was made from, recorded in the file itself as an HTML comment
 * (invisible when rendered, kept by hand edits, parsed by nothing else):
 * `<!-- specloop: made from commit 3f2a… -->`.
 */
const LINE = /<!--\s*specloop: made from commit ([0-9a-f]{7,40})\s*-->/;

export function provenanceComment(commit: string): string {
  return `<!-- specloop: made from commit ${commit} -->`;
}

/** The recorded commit, or undefined (older files, greenfield specs made before any commit). */
export function readProvenance(text: string): string | undefined {
  return LINE.exec(text)?.[1];
}

/** `text` with its provenance line set to `commit` (first line of a plan, last of a spec). */
export function withProvenance(text: string, commit: string | undefined, where: 'top' | 'bottom'): string {
  if (!commit) return text;
  const bare = text.replace(new RegExp(`${LINE.source}\\n?`), '');
  return where === 'top'
    ? `${provenanceComment(commit)}\n${bare}`
    : `${bare.trimEnd()}\n\n${provenanceComment(commit)}\n`;
}
