/** What the pack left out and how it was transformed, for the header prose. */
export interface SummaryFacts {
  name: string;
  gitignore: boolean;
  defaultIgnore: boolean;
  securityCheck: boolean;
  maxFileSize: number;
  removeComments: boolean;
  compress: boolean | string[];
  lineNumbers: boolean;
  include: string[];
  ignore: string[];
  encoding: string;
}

/** The header prose: what this file is, what is in it, what is not. Deterministic. */
export function summaryLines(f: SummaryFacts): string[] {
  const left: string[] = [];
  if (f.gitignore) left.push('files ignored by git (.gitignore, .git/info/exclude)');
  left.push('files matched by .specloopignore');
  if (f.defaultIgnore) left.push('dependencies, build output, lock files, logs and media');
  if (f.ignore.length) left.push(`files matching ${f.ignore.join(', ')}`);
  left.push('binary files', 'files that are not valid UTF-8', `files over ${f.maxFileSize} bytes`);
  if (f.securityCheck) left.push('files in which a secret was detected');
  const lines = [
    `This file packs the files of ${f.name} into one document for a language model.`,
    'It is a read-only snapshot: change the original files, not this one.',
    'Layout: this summary, the directory structure, each file with its path in the order of the tree, then the files left out and why.',
  ];
  if (f.include.length) lines.push(`Only files matching ${f.include.join(', ')} were selected.`);
  lines.push(`Left out: ${left.join('; ')}.`);
  const notes: string[] = [];
  if (f.removeComments) notes.push('comments were removed from source files');
  if (f.compress === true || (Array.isArray(f.compress) && f.compress.length > 0)) {
    const where = Array.isArray(f.compress) ? ` in files matching ${f.compress.join(', ')}` : '';
    notes.push(
      `function bodies were replaced by "{ … }" (or "..." in Python)${where}; signatures, types and doc comments are kept`,
    );
  }
  if (f.lineNumbers) notes.push('each line starts with its line number');
  notes.push('blank space around each file was trimmed');
  lines.push(`Notes: ${notes.join('; ')}. Token counts use ${f.encoding}.`);
  return lines;
}
