import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_CONFIG } from '../config/layers.js';
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

const EXCLUDE_HEADER = '# specloop init, kept out of the run branch of a --from plan (specloop run)';

/**
 * A `--from` plan (a change, issue prompts) is a pull request to an existing codebase, so
 * the files `specloop init` just wrote must not ride along in its branch: a new
 * specloop.toml (untracked) and init's lines of .gitignore move to the repository's local
 * exclude file (`info/exclude`: never committed, shared by worktrees), and .gitignore goes
 * back to its committed text. Nothing is lost: the config stays where it is, `.specloop/`
 * stays ignored. A specloop.toml git already tracks is the project's and is not touched.
 * Returns the paths kept out (for the run's note).
 */
export async function keepSetupOutOfBranch(
  repo: string,
  setup: string[],
  entries: Array<{ code: string; path: string }>,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const untracked = (p: string) => entries.some((e) => e.path === p && e.code === '??');
  const lines: string[] = [];
  const kept: string[] = [];
  if (setup.includes(PROJECT_CONFIG) && untracked(PROJECT_CONFIG)) {
    lines.push(`/${PROJECT_CONFIG}`);
    kept.push(PROJECT_CONFIG);
  }
  let restoreGitignore = false;
  if (setup.includes('.gitignore')) {
    const text = untracked('.gitignore')
      ? await readFile(join(repo, '.gitignore'), 'utf8')
      : (await git(repo, ['diff', 'HEAD', '--no-color', '-U0', '--', '.gitignore'], { env }))
          .split('\n')
          .filter((l) => l.startsWith('+') && !l.startsWith('+++ '))
          .map((l) => l.slice(1))
          .join('\n');
    lines.push(...text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')));
    if (untracked('.gitignore')) lines.push('/.gitignore');
    else restoreGitignore = true;
    kept.push('.gitignore');
  }
  if (lines.length === 0) return [];
  const file = resolve(repo, (await git(repo, ['rev-parse', '--git-path', 'info/exclude'], { env })).trim());
  const have = new Set((await readFile(file, 'utf8').catch(() => '')).split('\n'));
  const add = [...new Set(lines)].filter((l) => !have.has(l));
  if (add.length) {
    await mkdir(dirname(file), { recursive: true });
    const old = await readFile(file, 'utf8').catch(() => '');
    const head = have.has(EXCLUDE_HEADER) ? '' : `${EXCLUDE_HEADER}\n`;
    await appendFile(file, `${old && !old.endsWith('\n') ? '\n' : ''}${head}${add.join('\n')}\n`);
  }
  // Only init's lines differed (setupFiles checked): they now live in info/exclude.
  if (restoreGitignore) await git(repo, ['checkout', 'HEAD', '--', '.gitignore'], { env });
  return kept;
}
