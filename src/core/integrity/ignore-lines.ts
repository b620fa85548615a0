import ignore from 'ignore';

/**
 * Folders whose contents a step may legitimately keep out of git (installed dependencies,
 * build output, caches): adding them to .gitignore hides tools' output, not the step's code.
 */
const GENERATED = new Set([
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  'dist',
  'build',
  'target',
  'coverage',
  '.next',
  '.cache',
  '.turbo',
]);

const generated = (rel: string) => rel.split('/').some((s) => GENERATED.has(s));

/** True when `name` is a .gitignore file (at any depth, any case). */
export function isIgnoreFile(rel: string): boolean {
  return (rel.split('/').pop() ?? '').toLowerCase() === '.gitignore';
}

/**
 * The files among `created` (repo-relative) that a change of the .gitignore at `ignoreFile`
 * from `before` to `after` hides: ignored under the new text, not under the old. Files in
 * dependency/build folders do not count. A step that hides its own files would be recorded
 * done while its code never reaches the commit.
 */
export function hiddenByIgnore(o: {
  ignoreFile: string;
  before: string;
  after: string;
  created: Iterable<string>;
}): string[] {
  const dir = o.ignoreFile.includes('/') ? o.ignoreFile.slice(0, o.ignoreFile.lastIndexOf('/') + 1) : '';
  const oldRules = ignore().add(o.before);
  const newRules = ignore().add(o.after);
  const out: string[] = [];
  for (const file of o.created) {
    if (!file.startsWith(dir) || generated(file)) continue;
    const rel = file.slice(dir.length);
    if (rel === '' || rel === '.gitignore') continue;
    if (newRules.ignores(rel) && !oldRules.ignores(rel)) out.push(file);
  }
  return out;
}
