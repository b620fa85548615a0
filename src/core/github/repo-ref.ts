import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { tryGit } from '../git/index.js';

/** A GitHub repository, `owner/name`. */
export interface RepoRef {
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

export const repoString = (r: RepoRef): string => `${r.owner}/${r.repo}`;

/** Parse `owner/name` as typed by a user (a full GitHub URL is accepted too). */
export function parseRepoArg(text: string): RepoRef {
  const fromUrl = /:\/\/|^[^/]+@[^:]+:/.test(text) ? parseRemoteUrl(text) : undefined;
  if (fromUrl) return fromUrl;
  const [owner, repo, ...rest] = text.trim().split('/');
  if (!owner || !repo || rest.length || !NAME.test(owner) || !NAME.test(repo)) {
    throw new UsageError(`not a GitHub repository: "${text}"`, {
      code: 'E_REPO',
      hint: 'use the form owner/name, e.g. --repo octocat/hello-world',
    });
  }
  return { owner, repo: repo.replace(/\.git$/, '') };
}

/**
 * Owner and name from a git remote URL: https://host/o/r(.git), git@host:o/r.git,
 * ssh://git@host[:port]/o/r.git, git://host/o/r. Any host, so GitHub Enterprise remotes work.
 */
export function parseRemoteUrl(url: string): RepoRef | undefined {
  const u = url.trim();
  let path: string | undefined;
  const scp = /^[^/@\s]+@[^:/\s]+:(.+)$/.exec(u);
  if (scp && !u.includes('://')) path = scp[1];
  else {
    const m = /^(?:https?|ssh|git|git\+ssh):\/\/[^/]+\/(.+)$/.exec(u);
    path = m?.[1];
  }
  if (!path) return undefined;
  const parts = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length < 2) return undefined;
  const owner = parts[parts.length - 2]!;
  const repo = parts[parts.length - 1]!;
  return NAME.test(owner) && NAME.test(repo) ? { owner, repo } : undefined;
}

/** The `origin` remote's URL in `cwd`, or undefined (not a repo, no origin, no git). */
export async function originUrl(
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  try {
    const r = await tryGit(cwd, ['remote', 'get-url', 'origin'], { env });
    return r.ok ? r.stdout.trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which repository to talk to: `--repo`, else `[github] repo` in the config, else the
 * `origin` remote. `required: false` returns undefined instead of throwing (dry runs).
 */
export async function resolveRepo(
  ctx: Context,
  opts: { repo?: string; required?: boolean },
): Promise<RepoRef | undefined> {
  const explicit = opts.repo ?? ctx.config.github.repo;
  if (explicit) return parseRepoArg(explicit);
  const url = await originUrl(ctx.cwd, ctx.env);
  const ref = url ? parseRemoteUrl(url) : undefined;
  if (ref || opts.required === false) return ref;
  throw new UsageError(
    url
      ? `cannot tell the GitHub repository from the origin remote (${url})`
      : 'no GitHub repository: this directory has no `origin` remote',
    { code: 'E_REPO', hint: 'pass --repo owner/name, or set `repo` under [github] in specloop.toml' },
  );
}
