import { runGit } from '../../util/git.js';
import { WorkError } from '../errors.js';

/** The environment git runs with: always the context's (`ctx.env`), never the process's. */
export type GitEnv = Record<string, string | undefined>;

export interface GitOptions {
  /** Required on purpose: core code passes `ctx.env`, so no call can fall back to `process.env`. */
  env: GitEnv;
  input?: string;
  signal?: AbortSignal;
  /** Default 120 s: a git call that hangs (a stuck remote) must not hang the run. */
  timeoutMs?: number;
  /** A temporary index (GIT_INDEX_FILE) for plumbing that must not touch the real one. */
  indexFile?: string;
  /** Variables added on top, e.g. GIT_OPTIONAL_LOCKS=0 for read-only listings. */
  extraEnv?: Record<string, string>;
}

export interface GitResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The one error type of the git layer: a git command that failed. A WorkError (exit 1)
 * with code E_GIT; `stderr` is git's own message. Callers that expect a failure use
 * {@link tryGit} and decide themselves.
 */
export class GitError extends WorkError {
  constructor(
    readonly args: string[],
    readonly gitCode: number | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    const msg = (stderr || stdout).trim().split('\n').slice(-3).join('\n') || `exit ${gitCode}`;
    super(`git ${args[0]} failed: ${msg}`, { code: 'E_GIT' });
    this.name = 'GitError';
  }
}

/** Run git; never throws for a non-zero exit (see {@link git} for the throwing form). */
export async function tryGit(cwd: string, args: string[], opts: GitOptions): Promise<GitResult> {
  const r = await runGit(cwd, args, { ...opts, timeoutMs: opts.timeoutMs ?? 120_000 });
  return { ok: r.code === 0, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Run git and return its stdout as is; throws {@link GitError} on failure. */
export async function git(cwd: string, args: string[], opts: GitOptions): Promise<string> {
  const r = await tryGit(cwd, args, opts);
  if (!r.ok) throw new GitError(args, r.code, r.stderr, r.stdout);
  return r.stdout;
}

/** Run git and return its trimmed stdout (ids, names). */
export async function gitLine(cwd: string, args: string[], opts: GitOptions): Promise<string> {
  return (await git(cwd, args, opts)).trim();
}
