import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Ignore } from 'ignore';
import { runGit } from '../../../util/git.js';
import { UsageError } from '../../errors.js';
import { isDefaultIgnored, isDefaultIgnoredEntry } from './default-ignore.js';
import { IgnoreStack } from './ignore-stack.js';
import { sortPaths } from './sort.js';

export interface SelectOptions {
  /** Absolute directory to pack. */
  root: string;
  gitignore: boolean;
  defaultIgnore: boolean;
  include?: Ignore;
  ignore?: Ignore;
  /** Paths (relative to root) never selected: our own output files. */
  exclude: (rel: string) => boolean;
  /** Read `.ignore` and `.repomixignore` besides `.specloopignore` (default true). */
  dotIgnore?: boolean;
  /** Only these paths (relative to root) are wanted: file arguments, --stdin. */
  only?: Set<string>;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /**
   * The walk's files so far (selected, in output order), after each directory: lets the
   * pack start its workers while the walk is still going (not called in git mode).
   */
  onFound?: (files: readonly string[]) => void;
}

export interface Selection {
  /** Candidate files relative to root, '/'-separated, in output order. */
  files: string[];
  /** How the set was found: git's own listing, or our walk with git's rules. */
  mode: 'git' | 'walk';
}

/** Select the files to pack under `opts.root`. */
export async function selectFiles(opts: SelectOptions): Promise<Selection> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(opts.root);
  } catch {
    throw new UsageError(`no such directory: ${opts.root}`, { code: 'E_NO_DIR', hint: 'check the path' });
  }
  if (!st.isDirectory()) {
    throw new UsageError(`not a directory: ${opts.root}`, {
      code: 'E_NO_DIR',
      hint: 'pass directories; use --include to pick files',
    });
  }
  const listed = opts.gitignore && inGitWorkTree(opts.root, opts.env) ? await gitListing(opts) : undefined;
  if (listed === undefined) {
    // The walk applies the ignore rules as it goes and lists in output order.
    return { files: walk(opts), mode: 'walk' };
  }
  const names = ignoreFileNames(opts.dotIgnore !== false);
  const keep = filterFor(opts, specloopIgnores(opts.root, listed, names));
  const only = opts.only;
  const wanted = only ? listed.filter((p) => only.has(p)) : listed;
  return { files: sortPaths(wanted.filter(keep)), mode: 'git' };
}

/**
 * Could `dir` be in a git work tree? Not when neither it nor a parent has a `.git` (and the
 * environment names no git dir): then `git ls-files` would only fail, so it is not started.
 */
function inGitWorkTree(dir: string, env: Record<string, string | undefined>): boolean {
  if (env.GIT_DIR || env.GIT_WORK_TREE) return true;
  for (let d = dir; ; ) {
    if (existsSync(join(d, '.git'))) return true;
    const up = dirname(d);
    if (up === d) return false;
    d = up;
  }
}

/**
 * Our own ignore files, applied inside and outside git with git's semantics; in one
 * directory the later file's rules win (.specloopignore is ours, so it has the last word).
 */
export function ignoreFileNames(dotIgnore: boolean): string[] {
  return dotIgnore ? ['.ignore', '.repomixignore', '.specloopignore'] : ['.specloopignore'];
}

/** `git ls-files -co --exclude-standard`: exactly git's view (tracked + untracked-not-ignored). */
async function gitListing(opts: SelectOptions): Promise<string[] | undefined> {
  let res: Awaited<ReturnType<typeof runGit>>;
  try {
    res = await runGit(opts.root, ['ls-files', '-co', '--exclude-standard', '-z'], {
      env: opts.env,
      extraEnv: { GIT_OPTIONAL_LOCKS: '0' },
      signal: opts.signal,
    });
  } catch {
    return undefined; // no git on PATH: walk instead, with the same rules
  }
  if (res.code !== 0) return undefined; // not inside a work tree
  const out = res.stdout.split('\0');
  out.pop();
  // `-c -o` can list a path twice (tracked, deleted, re-created untracked).
  return [...new Set(out)];
}

/** Our ignore files apply in git mode too (git does not know them). */
function specloopIgnores(root: string, listed: string[], names: string[]): IgnoreStack | undefined {
  const dirs = new Set<string>(['']);
  for (const p of listed) {
    const slash = p.lastIndexOf('/');
    if (names.includes(p.slice(slash + 1))) dirs.add(p.slice(0, slash + 1));
  }
  const stack = new IgnoreStack();
  for (const d of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length)) {
    for (const n of names) stack.addFile(d, join(root, d, n));
  }
  return stack.empty ? undefined : stack;
}

function filterFor(opts: SelectOptions, sl: IgnoreStack | undefined): (rel: string) => boolean {
  const dm = opts.defaultIgnore;
  return (rel) =>
    !opts.exclude(rel) &&
    !(dm && isDefaultIgnored(rel)) &&
    !opts.ignore?.ignores(rel) &&
    (opts.include === undefined || opts.include.ignores(rel)) &&
    !sl?.ignores(rel, false);
}

/**
 * Walk the tree without git: every nested .gitignore (+ .git/info/exclude) with git's
 * semantics when `gitignore` is on, every .specloopignore always. Ignored directories are
 * not entered (as in git, a file below an excluded directory cannot be re-included).
 * Symlinks are listed, never followed, so loops cannot hang the walk.
 */
function walk(opts: SelectOptions): string[] {
  const out: string[] = [];
  const { exclude, include, onFound } = opts;
  const dm = opts.defaultIgnore;
  const names = ignoreFileNames(opts.dotIgnore !== false);
  // With a wanted list, enter only the directories on the way to a wanted file.
  const onWay = opts.only ? wayTo(opts.only) : undefined;
  const rootGit = new IgnoreStack();
  if (opts.gitignore) rootGit.addFile('', join(opts.root, '.git', 'info', 'exclude'));
  const visit = (abs: string, rel: string, git: IgnoreStack, sl: IgnoreStack) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      throw new UsageError(`cannot read directory ${rel || abs}: ${(err as Error).message}`, {
        code: 'E_UNREADABLE',
        hint: `fix its permissions, or leave it out with --ignore "${rel || '.'}"`,
      });
    }
    if (opts.gitignore && entries.some((e) => e.name === '.gitignore')) {
      git = git.fork();
      git.addFile(rel, join(abs, '.gitignore'));
    }
    const own = names.filter((n) => entries.some((e) => e.name === n));
    if (own.length > 0) {
      sl = sl.fork();
      for (const n of own) sl.addFile(rel, join(abs, n));
    }
    // Output order (see sortPaths): a directory's subdirectories first, then its files,
    // each by code unit.
    const subdirs: string[] = [];
    const files: string[] = [];
    for (const e of entries) {
      const r = rel + e.name;
      const isDir = e.isDirectory();
      const probe = isDir ? `${r}/` : r;
      if ((dm && isDefaultIgnoredEntry(rel, e.name, isDir)) || opts.ignore?.ignores(probe)) continue;
      if (git.ignores(r, isDir) || sl.ignores(r, isDir)) continue;
      if (onWay && !(isDir ? onWay.has(`${r}/`) : opts.only!.has(r))) continue;
      (isDir ? subdirs : files).push(e.name);
    }
    subdirs.sort(byCodeUnit);
    files.sort(byCodeUnit);
    for (const d of subdirs) visit(join(abs, d), `${rel + d}/`, git, sl);
    for (const f of files) {
      const p = rel + f;
      if (!exclude(p) && (!include || include.ignores(p))) out.push(p);
    }
    if (files.length > 0) onFound?.(out);
  };
  visit(opts.root, '', rootGit, new IgnoreStack());
  return out;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every directory prefix ('a/', 'a/b/') of the wanted paths. */
function wayTo(paths: Set<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i + 1));
  }
  return dirs;
}
