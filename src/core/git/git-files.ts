import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { type GitOptions, gitLine } from './run-git.js';

/** Where a checkout keeps its git data: its own dir (HEAD, index) and the shared one (refs, hooks, config). */
export interface CheckoutGitDirs {
  gitDir: string;
  commonDir: string;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
}

/**
 * The git dirs of the checkout whose top level is `top`, read from the files git itself
 * goes by (gitrepository-layout: `.git` is the dir or a `gitdir:` file; a linked worktree's
 * dir names the shared one in `commondir`), so a lookup costs no process. Read afresh each
 * time: a worktree re-created at the same path may get another admin dir. Anything
 * unexpected asks git (`rev-parse`).
 */
export async function checkoutGitDirs(top: string, opts: GitOptions): Promise<CheckoutGitDirs> {
  const dotGit = join(top, '.git');
  let gitDir: string | undefined;
  const st = await stat(dotGit).catch(() => undefined);
  if (st?.isDirectory()) gitDir = dotGit;
  else if (st?.isFile()) {
    const m = /^gitdir: (.+)$/m.exec((await readText(dotGit)) ?? '');
    if (m?.[1]) gitDir = resolve(top, m[1].trim());
  }
  if (gitDir && (await stat(join(gitDir, 'HEAD')).catch(() => undefined))?.isFile()) {
    const common = await readText(join(gitDir, 'commondir'));
    return { gitDir, commonDir: common ? resolve(gitDir, common) : gitDir };
  }
  const [g, c] = (await gitLine(top, ['rev-parse', '--absolute-git-dir', '--git-common-dir'], opts)).split(
    '\n',
  );
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(top, p));
  return { gitDir: abs((g ?? '').trim()), commonDir: abs((c ?? g ?? '').trim()) };
}

/**
 * The commit HEAD points at, read from the ref files (HEAD, then its loose branch ref), or
 * undefined when they do not settle it (packed or reftable refs, a symlink …): then the
 * caller asks git. Right after `git commit` the branch's loose ref is the one git just wrote.
 */
export async function headFromFiles(dirs: CheckoutGitDirs): Promise<string | undefined> {
  const head = await readText(join(dirs.gitDir, 'HEAD'));
  if (!head) return undefined;
  if (SHA.test(head)) return head;
  const m = /^ref: (refs\/heads\/\S+)$/.exec(head);
  if (!m?.[1] || m[1].split('/').includes('..')) return undefined;
  const sha = await readText(join(dirs.commonDir, m[1]));
  return sha && SHA.test(sha) ? sha : undefined;
}

/**
 * What a branch ref points at, read from the ref files: the loose ref's id; null when the
 * ref is surely absent (no loose file, and no packed-refs line naming it); undefined when the
 * files do not settle it (reftable, an unreadable or odd file): then the caller asks git.
 */
export async function refFromFiles(dirs: CheckoutGitDirs, ref: string): Promise<string | null | undefined> {
  if (!/^refs\/heads\/[^\s]+$/.test(ref) || ref.split('/').includes('..')) return undefined;
  if (
    await stat(join(dirs.commonDir, 'reftable')).then(
      () => true,
      () => false,
    )
  )
    return undefined;
  const loose = await readFile(join(dirs.commonDir, ref), 'utf8').then(
    (t) => t.trim(),
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? null : undefined),
  );
  if (loose === undefined) return undefined;
  if (loose !== null) return SHA.test(loose) ? loose : undefined;
  const packed = await readFile(join(dirs.commonDir, 'packed-refs'), 'utf8').catch(
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : undefined),
  );
  if (packed === undefined) return undefined;
  return packed.split('\n').some((l) => l.endsWith(` ${ref}`)) ? undefined : null;
}
