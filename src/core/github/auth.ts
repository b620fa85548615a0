import { run } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

export const DEFAULT_API_URL = 'https://api.github.com';

/** The REST base URL: `GITHUB_API_URL` (GitHub Enterprise, tests), else api.github.com. */
export function apiBaseUrl(env: Record<string, string | undefined>): string {
  return (env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
}

/** The host `gh` knows the API by: github.com, or the Enterprise host. */
function ghHostname(baseUrl: string): string | undefined {
  if (baseUrl === DEFAULT_API_URL) return undefined;
  try {
    return new URL(baseUrl).host;
  } catch {
    return undefined;
  }
}

/**
 * Find a token: `GITHUB_TOKEN`, else `GH_TOKEN`, else what `gh auth token` prints when
 * the GitHub CLI is installed and logged in. No token is a usage error naming both ways.
 */
export async function resolveToken(ctx: Context): Promise<{ token: string; source: string }> {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    const v = ctx.env[name]?.trim();
    if (v) return { token: v, source: name };
  }
  const host = ghHostname(apiBaseUrl(ctx.env));
  try {
    const r = await run('gh', ['auth', 'token', ...(host ? ['--hostname', host] : [])], {
      cwd: ctx.cwd,
      env: ctx.env,
      timeoutMs: 10_000,
    });
    const token = r.stdout.trim();
    if (r.code === 0 && token) return { token, source: '`gh auth token`' };
  } catch {
    // gh is not installed: fall through to the usage error.
  }
  throw new UsageError('no GitHub token: set GITHUB_TOKEN, or log in with `gh auth login`', {
    code: 'E_NO_TOKEN',
    hint: 'create a token with the "issues: read and write" permission and export GITHUB_TOKEN=…',
  });
}
