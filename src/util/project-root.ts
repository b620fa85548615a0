import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface ProjectRoot {
  dir: string;
  /** Why this directory: what `--verbose` tells the user. */
  reason: 'specloop.toml' | 'git root' | 'current directory';
}

/** The nearest directory at or above `cwd` holding `.git` (a directory, or a worktree's file). */
export function gitRootOf(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The project root every command resolves spec.md, the plan, todo.md and `.specloop/`
 * against: the nearest specloop.toml's directory, else the git root, else `cwd`. One rule,
 * so `status` in a subdirectory sees the same files `run` does.
 */
export function findProjectRoot(cwd: string, configDir?: string): ProjectRoot {
  if (configDir) return { dir: configDir, reason: 'specloop.toml' };
  const git = gitRootOf(cwd);
  return git ? { dir: git, reason: 'git root' } : { dir: resolve(cwd), reason: 'current directory' };
}
