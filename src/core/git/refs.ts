import { UsageError } from '../errors.js';
import { type GitOptions, git, gitLine, tryGit } from './run-git.js';

/** The top-level directory of the work tree containing `cwd`, or undefined outside git. */
export async function repoRoot(cwd: string, opts: GitOptions): Promise<string | undefined> {
  const r = await tryGit(cwd, ['rev-parse', '--show-toplevel'], opts);
  return r.ok ? r.stdout.trim() : undefined;
}

/** Like {@link repoRoot} but a UsageError (exit 2) outside a repository. */
export async function requireRepo(cwd: string, opts: GitOptions): Promise<string> {
  const root = await repoRoot(cwd, opts);
  if (!root)
    throw new UsageError(`${cwd} is not inside a git repository`, {
      code: 'E_NO_GIT',
      hint: 'specloop run commits every step: `git init && git add -A && git commit -m "initial"` first',
    });
  return root;
}

/** The checked-out branch name, or undefined when HEAD is detached. */
export async function currentBranch(cwd: string, opts: GitOptions): Promise<string | undefined> {
  const r = await tryGit(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], opts);
  return r.ok ? r.stdout.trim() : undefined;
}

/** `rev` resolved to a commit id, or undefined when it does not resolve. */
export async function resolveCommit(cwd: string, rev: string, opts: GitOptions): Promise<string | undefined> {
  const r = await tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], opts);
  return r.ok ? r.stdout.trim() : undefined;
}

/** The commit HEAD points at, or undefined in a repository without commits. */
export function headCommit(cwd: string, opts: GitOptions): Promise<string | undefined> {
  return resolveCommit(cwd, 'HEAD', opts);
}

/** True when commit-ish `ancestor` is contained in (or equal to) `descendant`. */
export async function isAncestor(
  cwd: string,
  ancestor: string,
  descendant: string,
  opts: GitOptions,
): Promise<boolean> {
  return (await tryGit(cwd, ['merge-base', '--is-ancestor', ancestor, descendant], opts)).ok;
}

export async function branchExists(cwd: string, name: string, opts: GitOptions): Promise<boolean> {
  return (await resolveCommit(cwd, `refs/heads/${name}`, opts)) !== undefined;
}

/** True when `name` is acceptable as a branch name. */
export async function validBranchName(cwd: string, name: string, opts: GitOptions): Promise<boolean> {
  return (await tryGit(cwd, ['check-ref-format', '--branch', name], opts)).ok;
}

/** Create `name` at HEAD and switch to it; local changes travel along (nothing is lost). */
export async function createBranch(cwd: string, name: string, opts: GitOptions): Promise<void> {
  await git(cwd, ['switch', '--quiet', '-c', name], opts);
}

/** Switch to an existing branch (git refuses when local changes would be overwritten). */
export async function switchBranch(cwd: string, name: string, opts: GitOptions): Promise<void> {
  await git(cwd, ['switch', '--quiet', name], opts);
}

/** Text of `path` at `ref` (e.g. `HEAD`), or undefined when it does not exist there. */
export async function showFile(
  cwd: string,
  ref: string,
  path: string,
  opts: GitOptions,
): Promise<string | undefined> {
  const r = await tryGit(cwd, ['show', `${ref}:${path}`], opts);
  return r.ok ? r.stdout : undefined;
}

/** The git directory of `cwd` (a worktree's own, absolute). */
export function gitDir(cwd: string, opts: GitOptions): Promise<string> {
  return gitLine(cwd, ['rev-parse', '--absolute-git-dir'], opts);
}

/** The empty tree's id, written to the object store so commits can point at it. */
export function emptyTree(cwd: string, opts: GitOptions): Promise<string> {
  return gitLine(cwd, ['hash-object', '-t', 'tree', '-w', '--stdin'], { ...opts, input: '' });
}
