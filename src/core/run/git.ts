import { isAbsolute, relative, resolve, sep } from 'node:path';
import { runGit } from '../../util/git.js';
import type { SpawnResult } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import { commitLinesOf } from '../github/commit-lines.js';

/**
 * Git helpers. Every function takes the repository (or worktree) directory explicitly and
 * never assumes a cwd or a branch, so the team scheduler can call them from worktrees.
 */
export interface GitOptions {
  /** Environment for git (identity, PATH); defaults to the inherited one. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  input?: string;
}

/** Trailer keys written on every step commit. */
export const STEP_TRAILER = 'Specloop-Step';
export const PLAN_TRAILER = 'Specloop-Plan';

/** Paths specloop keeps out of step commits and dirty-tree checks (its own machine state). */
export const MACHINE_STATE = ['.specloop'];

/**
 * {@link MACHINE_STATE} plus this invocation's `--llm-record` / `--llm-replay` files when they
 * lie inside `repo`: specloop writes (or reads) them itself, so they are neither the user's
 * uncommitted work nor a step's change, and must never make a step's diff look non-empty.
 */
export function machineState(ctx: Pick<Context, 'cwd' | 'llmOptions'>, repo: string): string[] {
  const out = [...MACHINE_STATE];
  for (const file of [ctx.llmOptions.record, ctx.llmOptions.replay]) {
    if (!file) continue;
    const rel = relative(repo, resolve(ctx.cwd, file));
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) out.push(rel.split(sep).join('/'));
  }
  return out;
}

/** Pathspecs excluding `paths` (repo-relative), for status / add. */
export function excludeSpecs(paths: readonly string[]): string[] {
  return paths.map((p) => `:(exclude,top)${p}`);
}

/** Run git; resolves with the raw result (never throws on a non-zero exit). */
export function gitTry(cwd: string, args: string[], opts: GitOptions = {}): Promise<SpawnResult> {
  return runGit(cwd, args, opts);
}

/** Run git; returns stdout (untrimmed) or throws a WorkError carrying git's message. */
export async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const r = await gitTry(cwd, args, opts);
  if (r.code !== 0) {
    const msg = (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n');
    throw new WorkError(`git ${args[0]} failed: ${msg}`, { code: 'E_GIT' });
  }
  return r.stdout;
}

/** The top-level directory of the work tree containing `cwd`, or undefined outside git. */
export async function repoRoot(cwd: string, opts: GitOptions = {}): Promise<string | undefined> {
  const r = await gitTry(cwd, ['rev-parse', '--show-toplevel'], opts);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Like {@link repoRoot} but a UsageError (exit 2) outside a repository. */
export async function requireRepo(cwd: string, opts: GitOptions = {}): Promise<string> {
  const root = await repoRoot(cwd, opts);
  if (!root)
    throw new UsageError(`${cwd} is not inside a git repository`, {
      code: 'E_NO_GIT',
      hint: 'specloop run commits every step: `git init && git add -A && git commit -m "initial"` first',
    });
  return root;
}

/** The checked-out branch name, or undefined when HEAD is detached. */
export async function currentBranch(cwd: string, opts: GitOptions = {}): Promise<string | undefined> {
  const r = await gitTry(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], opts);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The commit HEAD points at, or undefined in a repository without commits. */
export async function headCommit(cwd: string, opts: GitOptions = {}): Promise<string | undefined> {
  const r = await gitTry(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'], opts);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** True when commit-ish `a` is contained in `b`. */
export async function isAncestor(cwd: string, a: string, b: string, opts: GitOptions = {}): Promise<boolean> {
  return (await gitTry(cwd, ['merge-base', '--is-ancestor', a, b], opts)).code === 0;
}

export async function branchExists(cwd: string, name: string, opts: GitOptions = {}): Promise<boolean> {
  const r = await gitTry(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`], opts);
  return r.code === 0;
}

/** True when `name` is acceptable as a branch name. */
export async function validBranchName(cwd: string, name: string, opts: GitOptions = {}): Promise<boolean> {
  const r = await gitTry(cwd, ['check-ref-format', '--branch', name], opts);
  return r.code === 0;
}

/** Create `name` at HEAD and switch to it; local changes travel along (nothing is lost). */
export async function createBranch(cwd: string, name: string, opts: GitOptions = {}): Promise<void> {
  await git(cwd, ['switch', '--quiet', '-c', name], opts);
}

/** Switch to an existing branch (git refuses when local changes would be overwritten). */
export async function switchBranch(cwd: string, name: string, opts: GitOptions = {}): Promise<void> {
  await git(cwd, ['switch', '--quiet', name], opts);
}

export interface StatusEntry {
  /** Repo-relative path (the new path for renames). */
  path: string;
  /** Two-letter porcelain code, e.g. ` M`, `??`, `A `. */
  code: string;
}

/**
 * Changed, staged and untracked files (each file, not collapsed dirs), minus `exclude`;
 * only under `paths` (repo-relative) when given.
 */
export async function status(
  cwd: string,
  opts: GitOptions & { exclude?: readonly string[]; paths?: readonly string[] } = {},
): Promise<StatusEntry[]> {
  const scope = opts.paths ? opts.paths.map((p) => `:(top,literal)${p}`) : [':/'];
  const out = await git(
    cwd,
    [
      'status',
      '--porcelain=v1',
      '-z',
      '--untracked-files=all',
      '--',
      ...scope,
      ...excludeSpecs(opts.exclude ?? []),
    ],
    opts,
  );
  const parts = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p.length < 4) continue;
    const code = p.slice(0, 2);
    entries.push({ code, path: p.slice(3) });
    // Renames/copies are followed by the original path as its own NUL-terminated field.
    if (code[0] === 'R' || code[0] === 'C') i++;
  }
  return entries;
}

/** Stage everything (new, changed, deleted) except `exclude`. */
export async function stageAll(
  cwd: string,
  opts: GitOptions & { exclude?: readonly string[] } = {},
): Promise<void> {
  await git(cwd, ['add', '--all', '--', ':/', ...excludeSpecs(opts.exclude ?? [])], opts);
}

/** Commit what is staged (or only `paths` when given). Returns the new commit id. */
export async function commit(
  cwd: string,
  message: string,
  opts: GitOptions & { paths?: string[]; allowEmpty?: boolean } = {},
): Promise<string> {
  const args = ['commit', '--quiet', '--file=-'];
  if (opts.allowEmpty) args.push('--allow-empty');
  if (opts.paths?.length) args.push('--', ...opts.paths);
  await git(cwd, args, { ...opts, input: message });
  return (await headCommit(cwd, opts)) as string;
}

/** Text of `path` at `ref` (e.g. `HEAD`), or undefined when it does not exist there. */
export async function showFile(
  cwd: string,
  ref: string,
  path: string,
  opts: GitOptions = {},
): Promise<string | undefined> {
  const r = await gitTry(cwd, ['show', `${ref}:${path}`], opts);
  return r.code === 0 ? r.stdout : undefined;
}

export interface StepCommit {
  step: number;
  commit: string;
  subject: string;
}

/**
 * Steps of `planId` that have a commit carrying `Specloop-Step: N` reachable from `ref`
 * (default HEAD). This is the source of truth for "done". Newest commit wins per step.
 */
export async function stepCommits(
  cwd: string,
  opts: GitOptions & { planId: string; ref?: string },
): Promise<Map<number, StepCommit>> {
  const found = new Map<number, StepCommit>();
  if (!(await headCommit(cwd, opts))) return found;
  const fmt = `%H%x00%s%x00%(trailers:key=${STEP_TRAILER},valueonly,separator=%x2C)%x00%(trailers:key=${PLAN_TRAILER},valueonly,separator=%x2C)%x1e`;
  const out = await git(
    cwd,
    ['log', `--format=${fmt}`, `--grep=^${STEP_TRAILER}:`, opts.ref ?? 'HEAD', '--'],
    opts,
  );
  for (const rec of out.split('\x1e')) {
    const [commitId, subject, steps, plans] = rec.replace(/^\n/, '').split('\0');
    if (!commitId || !steps) continue;
    const planIds = (plans ?? '').split(',').map((s) => s.trim());
    if (!planIds.includes(opts.planId)) continue;
    for (const s of steps.split(',')) {
      const n = Number.parseInt(s.trim(), 10);
      if (Number.isInteger(n) && !found.has(n))
        found.set(n, { step: n, commit: commitId, subject: subject ?? '' });
    }
  }
  return found;
}

/**
 * Message for a step commit: subject, optional body, then the trailers. `context` is the
 * step's context prose: its `Commit message: …` lines (e.g. `Fixes #12` from `issues pull`)
 * are appended to the body, so the commit closes the issue it implements.
 */
export function stepMessage(opts: {
  step: number;
  title: string;
  planId: string;
  body?: string;
  context?: string;
}): string {
  const subject = `step ${opts.step}: ${opts.title}`.replace(/\s+/g, ' ').slice(0, 120);
  const lines = [opts.body?.trim(), ...commitLinesOf(opts.context ?? '')].filter(Boolean);
  const body = lines.length ? `\n\n${lines.join('\n')}` : '';
  return `${subject}${body}\n\n${STEP_TRAILER}: ${opts.step}\n${PLAN_TRAILER}: ${opts.planId}\n`;
}
