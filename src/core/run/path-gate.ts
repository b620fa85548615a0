import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** The gate's verdict: a path safe to touch, or the reason the agent sees. */
export type GateResult = { ok: true; abs: string; rel: string } | { ok: false; reason: string };

/** True when `p` (absolute) equals `root` or lies under it. */
function within(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/** True when a repo-relative path points into a `.git` directory (the repo's or a submodule's). */
function touchesGit(rel: string): boolean {
  return rel.split('/').some((seg) => seg === '.git');
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
 *     symlink is followed) still resolves inside the real repo root and not into `.git/`.
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
  return { ok: true, abs, rel };
}
