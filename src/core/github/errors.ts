import { isSpecloopError, UsageError } from '../errors.js';
import { githubMessage, isHttpError } from './rate-limit.js';
import { type RepoRef, repoString } from './repo-ref.js';

/**
 * True for errors that will fail every request the same way (bad token, no rights,
 * no such repo): there is no point trying the next issue.
 */
export function isFatalGithubError(err: unknown): boolean {
  if (isSpecloopError(err)) return true;
  return isHttpError(err) && [401, 403, 404, 410].includes(err.status);
}

/** Turn a fatal GitHub error into a usage error (exit 2) carrying GitHub's own message. */
export function fatalGithubError(err: unknown, repo: RepoRef): Error {
  if (isSpecloopError(err) || !isHttpError(err)) return err as Error;
  const msg = githubMessage(err);
  const name = repoString(repo);
  switch (err.status) {
    case 401:
      return new UsageError(`GitHub rejected the token: ${msg}`, {
        code: 'E_GITHUB_AUTH',
        hint: 'check GITHUB_TOKEN (or run `gh auth login` again)',
        cause: err,
      });
    case 404:
      return new UsageError(`repository ${name} not found (or the token cannot see it): ${msg}`, {
        code: 'E_GITHUB_NOT_FOUND',
        hint: 'check --repo / the origin remote, and that the token has access to the repository',
        cause: err,
      });
    case 403:
      return new UsageError(`GitHub refused access to ${name}: ${msg}`, {
        code: 'E_GITHUB_FORBIDDEN',
        hint: 'the token needs the "issues: read and write" permission on this repository',
        cause: err,
      });
    case 410:
      return new UsageError(`issues are disabled on ${name}: ${msg}`, { code: 'E_GITHUB_GONE', cause: err });
    default:
      return err as unknown as Error;
  }
}
