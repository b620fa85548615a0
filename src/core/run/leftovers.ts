import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { type GitOptions, git } from '../git/index.js';
import { pidAlive } from './run-lock.js';

/** `.name.<pid>.<random>.tmp`: the temp file of an atomic write (src/util/atomic-write.ts). */
const ATOMIC_TEMP = /(^|\/)\.[^/]+\.(\d+)\.[^/.]+\.tmp$/;

/** True for an atomic-write temp file whose writer is gone (killed mid-write). */
export function isDeadTemp(path: string): boolean {
  const m = ATOMIC_TEMP.exec(path);
  return Boolean(m) && !pidAlive(Number(m?.[2]));
}

/**
 * Remove atomic-write temp files left by a killed process: beside todo.md, in .specloop/,
 * and among `untracked` (repo-relative; an agent killed inside write_file). Returns what
 * was removed. The real files are intact: the rename never happened.
 */
export async function removeDeadTemps(
  repo: string,
  todoPath: string,
  untracked: string[],
): Promise<string[]> {
  const removed: string[] = [];
  const scan = async (dir: string, prefix: string) => {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      if (!n.startsWith(prefix) || !isDeadTemp(n)) continue;
      await rm(join(dir, n), { force: true });
      removed.push(join(dir, n));
    }
  };
  await scan(dirname(todoPath), `.${basename(todoPath)}.`);
  await scan(join(repo, '.specloop'), '.run.json.');
  for (const p of untracked) {
    if (!isDeadTemp(p)) continue;
    await rm(join(repo, p), { force: true });
    removed.push(join(repo, p));
  }
  return removed;
}

/**
 * A `.git/index.lock` left by a killed git blocks every commit. Wait briefly (a live git may
 * be finishing), then refuse with the fix rather than deleting a lock someone may hold.
 */
export async function checkIndexLock(repo: string, o: GitOptions): Promise<void> {
  const gitDir = (await git(repo, ['rev-parse', '--absolute-git-dir'], o)).trim();
  const lock = join(gitDir, 'index.lock');
  for (let i = 0; i < 15 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(lock))
    throw new UsageError(`${lock} exists: another git command is running, or one was killed`, {
      code: 'E_GIT_LOCK',
      hint: `if no git process is running, remove it (rm ${lock}) and run again`,
    });
}
