import { checkoutGitDirs, headFromFiles } from './git-files.js';
import { headCommit } from './refs.js';
import { type GitOptions, git, tryGit } from './run-git.js';

export interface StatusEntry {
  /** Repo-relative path (the new path for renames). */
  path: string;
  /** Two-letter porcelain code, e.g. ` M`, `??`, `A `. */
  code: string;
}

/** Pathspecs excluding `paths` (repo-relative), for status / add. */
export function excludeSpecs(paths: readonly string[]): string[] {
  return paths.map((p) => `:(exclude,top)${p}`);
}

/**
 * Changed, staged and untracked files (each file, not collapsed dirs), minus `exclude`;
 * only under `paths` (repo-relative) when given; tracked files only with `untracked: false`.
 */
export async function status(
  cwd: string,
  opts: GitOptions & { exclude?: readonly string[]; paths?: readonly string[]; untracked?: boolean },
): Promise<StatusEntry[]> {
  const scope = opts.paths ? opts.paths.map((p) => `:(top,literal)${p}`) : [':/'];
  const out = await git(
    cwd,
    [
      'status',
      '--porcelain=v1',
      '-z',
      `--untracked-files=${opts.untracked === false ? 'no' : 'all'}`,
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

/** `status` as `XY path` lines, for messages. */
export const statusLine = (e: StatusEntry) => `${e.code} ${e.path}`;

/** Stage everything (new, changed, deleted) except `exclude`. */
export async function stageAll(
  cwd: string,
  opts: GitOptions & { exclude?: readonly string[] },
): Promise<void> {
  await git(cwd, ['add', '--all', '--', ':/', ...excludeSpecs(opts.exclude ?? [])], opts);
}

/** Commit what is staged (or only `paths` when given). Returns the new commit id. */
export async function commit(
  cwd: string,
  message: string,
  opts: GitOptions & {
    paths?: string[];
    allowEmpty?: boolean;
    noVerify?: boolean;
    /**
     * False: skip the `git maintenance run --auto` git starts after each commit; the caller
     * runs {@link autoMaintenance} once after its series of commits instead.
     */
    autoMaintenance?: boolean;
  },
): Promise<string> {
  const args = [
    ...(opts.autoMaintenance === false ? ['-c', 'maintenance.auto=false'] : []),
    'commit',
    '--quiet',
    '--file=-',
  ];
  if (opts.allowEmpty) args.push('--allow-empty');
  if (opts.noVerify) args.push('--no-verify');
  if (opts.paths?.length) args.push('--', ...opts.paths);
  await git(cwd, args, { ...opts, input: message });
  return (await headAfterCommit(cwd, opts)) as string;
}

/**
 * HEAD right after a `git commit` in `cwd` has exited (hooks included), without another
 * process: the branch ref it wrote is what `rev-parse HEAD` would read; anything unusual
 * (packed or reftable refs) asks git. Undefined only in a repository without commits.
 */
export async function headAfterCommit(cwd: string, opts: GitOptions): Promise<string | undefined> {
  const fromFiles = await checkoutGitDirs(cwd, opts).then(headFromFiles, () => undefined);
  return fromFiles ?? (await headCommit(cwd, opts));
}

/**
 * What `git commit` does after each commit, once: `git maintenance run --auto` (gc when the
 * loose objects pass git's threshold), unless the repository turned it off. Never fails.
 */
export async function autoMaintenance(cwd: string, opts: GitOptions): Promise<void> {
  const on = await tryGit(cwd, ['config', '--type=bool', '--get', 'maintenance.auto'], opts);
  if (on.ok && on.stdout.trim() === 'false') return;
  await tryGit(cwd, ['maintenance', 'run', '--auto', '--quiet'], opts);
}
