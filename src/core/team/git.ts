import { runGit } from '../../util/git.js';

/** A git command that failed; `stderr` is git's own message (shown to users verbatim). */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`git ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || `exit ${code}`}`);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** A temporary index (GIT_INDEX_FILE) for plumbing that must not touch the real one. */
  indexFile?: string;
}

export interface GitResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run git; never throws for a non-zero exit (see {@link git} for the throwing form). */
export async function tryGit(cwd: string, args: string[], opts: GitOptions = {}): Promise<GitResult> {
  const r = await runGit(cwd, args, { ...opts, timeoutMs: opts.timeoutMs ?? 120_000 });
  return { ok: r.code === 0, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Run git and return its stdout as is; throws {@link GitError} on failure. */
export async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const r = await tryGit(cwd, args, opts);
  if (!r.ok) throw new GitError(args, r.code, r.stderr, r.stdout);
  return r.stdout;
}

/** Run git and return its trimmed stdout (ids, names). */
export async function gitLine(cwd: string, args: string[], opts: GitOptions = {}): Promise<string> {
  return (await git(cwd, args, opts)).trim();
}

/** `git rev-parse --verify -q <rev>^{commit}`, or undefined when it does not resolve. */
export async function resolveCommit(
  cwd: string,
  rev: string,
  opts: GitOptions = {},
): Promise<string | undefined> {
  const r = await tryGit(cwd, ['rev-parse', '--verify', '-q', `${rev}^{commit}`], opts);
  return r.ok ? r.stdout.trim() : undefined;
}

/** The repository's top-level directory (of the worktree `cwd` is in). */
export function topLevel(cwd: string, opts: GitOptions = {}): Promise<string> {
  return gitLine(cwd, ['rev-parse', '--show-toplevel'], opts);
}

/** The checked-out branch name, or undefined on a detached HEAD. */
export async function currentBranch(cwd: string, opts: GitOptions = {}): Promise<string | undefined> {
  const r = await tryGit(cwd, ['symbolic-ref', '-q', '--short', 'HEAD'], opts);
  return r.ok ? r.stdout.trim() : undefined;
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`. */
export async function isAncestor(
  cwd: string,
  ancestor: string,
  descendant: string,
  opts: GitOptions = {},
): Promise<boolean> {
  const r = await tryGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], opts);
  return r.ok;
}

/** `git status --porcelain` lines for tracked and untracked files (ignored files excluded). */
export async function statusLines(
  cwd: string,
  opts: GitOptions & { untracked?: boolean } = {},
): Promise<string[]> {
  const args = ['status', '--porcelain', `--untracked-files=${opts.untracked === false ? 'no' : 'all'}`];
  const out = await git(cwd, args, opts);
  return out.split('\n').filter(Boolean);
}

/** The empty tree's id, written to the object store so commits can point at it. */
export function emptyTree(cwd: string, opts: GitOptions = {}): Promise<string> {
  return gitLine(cwd, ['hash-object', '-t', 'tree', '-w', '--stdin'], { ...opts, input: '' });
}
