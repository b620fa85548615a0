import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** The gate's verdict: a path safe to touch, or the reason the agent sees. */
export type GateResult = { ok: true; abs: string; rel: string } | { ok: false; reason: string };

/** True when `p` (absolute) equals `root` or lies under it. */
function within(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/**
 * Characters HFS+ ignores in names (git's own `is_hfs_dotgit` list): `.g\u200cit` is `.git` there.
 */
const IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * True when one path segment names git's directory on SOME file system: case-insensitively
 * (macOS, Windows: `.GIT/config` is the real config), with the trailing dots and spaces and
 * the 8.3 short name Windows accepts (`.git.`, `git~1`), and HFS+'s ignorable characters.
 * A `.git` FILE (a worktree's or submodule's pointer to its git dir) is the same name.
 */
export function isGitSegment(segment: string): boolean {
  const s = segment
    .replace(IGNORABLE, '')
    .toLowerCase()
    .replace(/[. ]+$/, '');
  return s === '.git' || s === 'git~1';
}

/** True when a repo-relative path points into a `.git` directory (the repo's or a submodule's). */
function touchesGit(rel: string): boolean {
  return rel.split('/').some(isGitSegment);
}

/**
 * Why an existing path may not be read or written, or undefined when it may. Only regular
 * files and directories: a FIFO blocks a reader forever (and with it the process's exit),
 * a device or socket is not source code. A regular file with more than one hard link may be
 * the same inode as a file outside the repo, which no path check can see.
 */
export function refuseKind(st: Stats, shown: string): string | undefined {
  if (st.isDirectory()) return undefined;
  if (!st.isFile()) {
    const kind = st.isFIFO()
      ? 'a named pipe (FIFO)'
      : st.isSocket()
        ? 'a socket'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
    return `${shown} is ${kind}; only regular files and directories can be read or written`;
  }
  if (st.nlink > 1)
    return `${shown} has ${st.nlink} hard links (it may be a file outside the repository); refused`;
  return undefined;
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * realpath of the deepest existing ancestor of `abs`, with the missing tail re-appended.
 * A dangling symlink on the way is an error: writing through it would create its target,
 * wherever that is.
 */
function realpathDeepest(abs: string): string {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realpathSync(cur), ...tail.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      if (code === 'ENOENT' && exists(cur)) throw new Error('it is a dangling symlink');
      const idx = cur.lastIndexOf(sep);
      if (idx <= 0) return abs;
      tail.push(cur.slice(idx + 1));
      cur = cur.slice(0, idx);
    }
  }
}

/**
 * The ONE path gate for every file the agent touches (see test/core/run/path-gate.test.ts
 * for the contract). A path is accepted only when:
 *  1. lexically: it is relative, non-empty, has no NUL byte, no `..` segment and no `.git`
 *     segment (forward slashes or backslashes both count as separators for this check);
 *  2. after realpath: the deepest existing ancestor (and the file itself if it exists, so a
 *     symlink is followed) still resolves inside the real repo root and not into `.git/`;
 *  3. what exists there is a regular file with one link, or a directory ({@link refuseKind}).
 * `.git` is compared as every file system would ({@link isGitSegment}).
 * `root` itself is allowed only when `allowRoot` (listing the repo), never for writes.
 */
export function pathGate(root: string, input: unknown, opts: { allowRoot?: boolean } = {}): GateResult {
  if (typeof input !== 'string' || input.trim() === '')
    return { ok: false, reason: 'path must be a non-empty string' };
  if (input.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (isAbsolute(input) || /^[a-zA-Z]:[\\/]/.test(input) || input.startsWith('~'))
    return {
      ok: false,
      reason: `absolute paths are refused (${input}); use a path relative to the repository root`,
    };
  const segments = input.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, reason: `paths with ".." are refused (${input})` };
  const rel = segments.join('/');
  if (rel === '' && !opts.allowRoot)
    return { ok: false, reason: 'path names the repository root, not a file' };
  if (touchesGit(rel)) return { ok: false, reason: `paths under .git/ are refused (${input})` };
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { ok: false, reason: 'repository root does not exist' };
  }
  const abs = rel === '' ? realRoot : join(realRoot, ...segments);
  let real: string;
  try {
    real = realpathDeepest(abs);
  } catch (err) {
    return { ok: false, reason: `cannot resolve ${input}: ${(err as Error).message}` };
  }
  if (!within(realRoot, real))
    return { ok: false, reason: `${input} resolves outside the repository (symlink)` };
  const realRel = relative(realRoot, real).split(sep).join('/');
  if (touchesGit(realRel)) return { ok: false, reason: `${input} resolves into .git/ (symlink)` };
  let st: Stats | undefined;
  try {
    st = statSync(real);
  } catch {
    st = undefined; // not there yet: a file to create
  }
  const kind = st && refuseKind(st, input);
  if (kind) return { ok: false, reason: kind };
  return { ok: true, abs, rel };
}
