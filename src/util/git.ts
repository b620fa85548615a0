import { run, type SpawnResult } from './spawn.js';

export interface RunGitOptions {
  /** The caller's environment (identity, HOME, PATH): the context's `env`, never read from the process here. */
  env: Record<string, string | undefined>;
  /** Variables added on top, e.g. GIT_OPTIONAL_LOCKS=0 for read-only listings. */
  extraEnv?: Record<string, string>;
  /** A temporary index (GIT_INDEX_FILE) for plumbing that must not touch the real one. */
  indexFile?: string;
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The environment git runs with: the caller's, minus variables that would point git at
 * another repository (a hook or a parent git process may have set them), with prompts
 * disabled so a remote asking for credentials fails instead of hanging, and C messages.
 */
function gitEnv(opts: RunGitOptions): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...opts.env };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX']) delete out[k];
  if (opts.indexFile) out.GIT_INDEX_FILE = opts.indexFile;
  out.GIT_TERMINAL_PROMPT = '0';
  out.LC_ALL = 'C';
  return { ...out, ...opts.extraEnv };
}

/**
 * Every git process specloop starts goes through here (one environment policy); callers
 * keep their own error handling. Never rejects for a non-zero exit; rejects when git
 * cannot be started at all.
 */
export function runGit(cwd: string, args: string[], opts: RunGitOptions): Promise<SpawnResult> {
  return run('git', args, {
    cwd,
    env: gitEnv(opts),
    input: opts.input,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    track: !READ_ONLY.has(args[0] ?? ''),
  });
}

/**
 * Local plumbing that runs no hook and reaches no remote: it ends with its moment, so the
 * run lock need not record it (a run makes ~30 such calls a step, each a sync lock write),
 * and util/spawn.ts may start it from its small starter process. `add` belongs here too: it
 * runs no hook, and a next run must not SIGKILL one a killed run left finishing (that would
 * leave index.lock behind). Anything else (commit, push, fetch, worktree …) may run user
 * code or hang on a remote.
 */
const READ_ONLY = new Set([
  'add',
  'status',
  'ls-files',
  'rev-parse',
  'diff',
  'log',
  'show',
  'cat-file',
  'for-each-ref',
  'symbolic-ref',
  'check-ref-format',
  'merge-base',
  'ls-tree',
  'rev-list',
  'hash-object',
  'write-tree',
  'read-tree',
  'grep',
  'var',
  // Object writes with no hook, as hash-object: a landing's tree and commit.
  'mktree',
  'commit-tree',
]);
