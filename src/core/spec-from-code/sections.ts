/** The sections `spec --from-code` asks for, as heading words (any level-2 heading containing them). */
export const SPEC_SECTIONS = [
  'Overview',
  'Requirements',
  'Architecture',
  'Data',
  'Interfaces',
  'Error handling',
  'Testing',
  'Open questions',
];

/** Problems of a candidate spec: a missing title or section, one line each (for repair). */
export function specProblems(text: string): string[] {
  const headings = [...text.matchAll(/^##\s+(.+)$/gm)].map((m) => m[1]!.toLowerCase());
  const problems = /^#\s+\S/m.test(text) ? [] : ['the document has no "# <Project name>" title'];
  for (const s of SPEC_SECTIONS)
    if (!headings.some((h) => h.includes(s.toLowerCase())))
      problems.push(`the section "## ${s}" is missing; write every section of the structure, in order`);
  return problems;
}
