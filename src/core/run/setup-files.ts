import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_CONFIG } from '../config/load.js';
import { git } from '../git/index.js';

/** A .gitignore line that `specloop init` writes (its header comment, `.specloop/*`, `!.specloop/templates/`). */
const isInitLine = (line: string) => {
  const t = line.trim();
  return t === '' || t.startsWith('#') || /^!?\/?\.specloop(\/|$)/.test(t);
};

/**
 * Project setup files that `specloop init` writes and that a run may commit together with
 * the plan ("specloop: add plan"), so init → idea → plan → run works without a manual commit:
 * specloop.toml at the repo root, and .gitignore when its only change is init's lines.
 * Anything else in .gitignore is the user's work and stays a dirty-tree refusal.
 */
export async function setupFiles(
  repo: string,
  entries: Array<{ code: string; path: string }>,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const out: string[] = [];
  if (entries.some((e) => e.path === PROJECT_CONFIG)) out.push(PROJECT_CONFIG);
  const gi = entries.find((e) => e.path === '.gitignore');
  if (!gi) return out;
  if (gi.code === '??') {
    const text = await readFile(join(repo, '.gitignore'), 'utf8');
    if (text.split('\n').every(isInitLine)) out.push('.gitignore');
    return out;
  }
  const diff = await git(repo, ['diff', 'HEAD', '--no-color', '-U0', '--', '.gitignore'], { env });
  const changed = diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
  if (changed.length && changed.every((l) => l.startsWith('+') && isInitLine(l.slice(1))))
    out.push('.gitignore');
  return out;
}
