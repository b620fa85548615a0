import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { run, type SpawnResult } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { type GitOptions, gitLine, tryGit } from '../git/index.js';
import { pidAlive } from '../run/run-lock.js';
import { ignoredDirs } from '../team/worktrees.js';

const PREFIX = 'specloop-doctor-';

export interface CleanTestRun {
  result: SpawnResult;
  /** Where it ran, for the report: `a clean checkout of HEAD (abc1234)` or `the tree as it is (why)`. */
  where: string;
}

/**
 * `doctor --tests`: run the test command the way a step's first check sees the project —
 * on a clean checkout of HEAD, not on the working tree with whatever is uncommitted. The
 * checkout is a temporary detached worktree in a temp dir, with the main checkout's ignored
 * dependency directories (node_modules …) linked in, and it is removed afterwards whatever
 * happens (Ctrl-C aborts the test run through `ctx.signal` and lands in the `finally`).
 * Without a git repository or a commit there is nothing to check out: the tree as it is.
 */
export async function runTestsOnCleanCheckout(
  ctx: Context,
  o: { root: string; command: string },
): Promise<CleanTestRun> {
  const g: GitOptions = { env: ctx.env };
  const exec = (cwd: string) =>
    run(o.command, [], {
      cwd,
      env: ctx.env,
      shell: true,
      timeoutMs: ctx.config.test.timeoutSec * 1000,
      signal: ctx.signal,
    });
  const top = await tryGit(o.root, ['rev-parse', '--show-toplevel'], g);
  const head = top.ok ? await tryGit(o.root, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], g) : undefined;
  if (!top.ok || !head?.ok) {
    const why = top.ok ? 'no commit yet' : 'not a git repository';
    return { result: await exec(o.root), where: `the tree as it is (${why})` };
  }
  const repo = top.stdout.trim();
  const sha = head.stdout.trim();
  await removeDeadCheckouts(repo, g);
  const tmp = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const tree = join(tmp, 'tree');
  try {
    await gitLine(repo, ['worktree', 'add', '--detach', '--quiet', tree, sha], g);
    for (const name of await ignoredDirs(repo, ctx.config.team.linkIgnored, g))
      await symlink(join(repo, name), join(tree, name), 'junction');
    const result = await exec(join(tree, relative(repo, o.root)));
    return { result, where: `a clean checkout of HEAD (${sha.slice(0, 7)}; uncommitted changes left out)` };
  } finally {
    await tryGit(repo, ['worktree', 'remove', '--force', tree], g);
    await rm(tmp, { recursive: true, force: true });
    await tryGit(repo, ['worktree', 'prune'], g);
  }
}

/**
 * A doctor forced out by a second Ctrl-C (or killed) leaves its checkout behind: remove the
 * worktrees of this repository whose temp dir names a doctor process that is gone.
 */
async function removeDeadCheckouts(repo: string, g: GitOptions): Promise<void> {
  const list = await tryGit(repo, ['worktree', 'list', '--porcelain'], g);
  if (!list.ok) return;
  for (const m of list.stdout.matchAll(/^worktree (.+)$/gm)) {
    const dir = m[1] as string;
    const pid = new RegExp(`/${PREFIX}(\\d+)-[^/]+/tree$`).exec(dir)?.[1];
    if (!pid || pidAlive(Number(pid))) continue;
    await tryGit(repo, ['worktree', 'remove', '--force', dir], g);
    await rm(dirname(dir), { recursive: true, force: true });
  }
  await tryGit(repo, ['worktree', 'prune'], g);
}
