import { UsageError } from '../errors.js';
import { tryGit } from '../git/index.js';

async function git(cwd: string, env: Record<string, string | undefined>, args: string[]): Promise<string> {
  const res = await tryGit(cwd, args, { env, extraEnv: { GIT_OPTIONAL_LOCKS: '0' } }).catch((err: Error) => {
    throw new UsageError(`cannot run git: ${err.message}`, {
      code: 'E_GIT',
      hint: 'install git, or drop --git-diff / --git-log',
    });
  });
  if (!res.ok) {
    throw new UsageError(`git ${args[0]} failed in ${cwd}: ${res.stderr.trim().split('\n')[0]}`, {
      code: 'E_GIT',
      hint: '--git-diff and --git-log need a git repository (with at least one commit for --git-log)',
    });
  }
  return res.stdout.trimEnd();
}

/** Working-tree and staged changes, as `git diff` prints them. */
export async function gitDiffSection(cwd: string, env: Record<string, string | undefined>): Promise<string> {
  const opts = ['--no-color', '--no-ext-diff'];
  const [work, staged] = await Promise.all([
    git(cwd, env, ['diff', ...opts]),
    git(cwd, env, ['diff', '--cached', ...opts]),
  ]);
  return `Working tree changes (not staged):\n${work || '(none)'}\n\nStaged changes:\n${staged || '(none)'}`;
}

/** The last `n` commits with the files each one touched. */
export async function gitLogSection(
  cwd: string,
  env: Record<string, string | undefined>,
  n: number,
): Promise<string> {
  return git(cwd, env, [
    'log',
    `-n${n}`,
    '--no-color',
    '--date=iso-strict',
    '--name-status',
    '--format=commit %H%nDate: %ad%nAuthor: %an%n%n%w(0,4,4)%B',
  ]);
}
