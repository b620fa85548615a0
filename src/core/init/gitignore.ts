import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';

/**
 * specloop's runtime files (state, transcripts, worktrees, locks) live in `.specloop/`;
 * project templates in `.specloop/templates/` are meant to be committed. `.specloop/*`
 * (not `.specloop/`) is what lets the negation re-include the templates folder: git cannot
 * re-include anything under an ignored directory.
 */
export const GITIGNORE_LINES = ['.specloop/*', '!.specloop/templates/'];
const HEADER = '# specloop runtime files (project templates in .specloop/templates/ stay committable)';
// Patterns that ignore the whole folder and so defeat the negation above.
const WHOLE_DIR = new Set(['.specloop', '.specloop/', '/.specloop', '/.specloop/']);

export interface GitignoreResult {
  path: string;
  /** Lines appended this time (empty when already present: init is idempotent). */
  added: string[];
  /** A problem the user should fix by hand, if any. */
  warning?: string;
}

/** Append specloop's lines to `<dir>/.gitignore` unless they are already there. */
export async function ensureGitignore(dir: string): Promise<GitignoreResult> {
  const path = join(dir, '.gitignore');
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const added = GITIGNORE_LINES.filter((l) => !present.has(l));
  const wholeDir = [...present].find((l) => WHOLE_DIR.has(l));
  const warning = wholeDir
    ? `.gitignore ignores "${wholeDir}", so .specloop/templates/ cannot be committed; replace it with ".specloop/*"`
    : undefined;
  if (added.length > 0) {
    const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    const header = present.has(HEADER) ? '' : `${HEADER}\n`;
    await atomicWrite(path, `${text}${sep}${header}${added.join('\n')}\n`);
  }
  return { path, added, warning };
}
