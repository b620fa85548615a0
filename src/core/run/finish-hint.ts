import { findOnPath } from '../../util/which.js';
import type { Context } from '../context.js';
import { branchExists, tryGit } from '../git/index.js';

/**
 * What to do with a finished run branch: open a PR (`gh pr create` when gh is on PATH and
 * there is a remote), push it, or merge it locally. The base is the branch the run started
 * from (git's `@{-1}`), else main / master.
 */
export async function mergeHint(
  ctx: Context,
  o: { repo: string; branch: string },
): Promise<string | undefined> {
  const g = { env: ctx.env };
  const prev = (await tryGit(o.repo, ['rev-parse', '--abbrev-ref', '@{-1}'], g)).stdout.trim();
  let base = prev && prev !== o.branch && !prev.startsWith('@') ? prev : undefined;
  for (const b of ['main', 'master'])
    if (!base && b !== o.branch && (await branchExists(o.repo, b, g))) base = b;
  if (!base) return undefined;
  const remote = (await tryGit(o.repo, ['remote'], g)).stdout.split('\n').find(Boolean);
  const merge = `git switch ${base} && git merge ${o.branch}`;
  if (!remote) return `merge it: ${merge}`;
  const push = `git push -u ${remote} ${o.branch}`;
  if (findOnPath('gh', ctx.env)) return `open a pull request: ${push} && gh pr create --fill --base ${base}`;
  return `push it and open a pull request: ${push} (or merge locally: ${merge})`;
}
