import { describe, expect, it } from 'vitest';
import { rateLimitWait } from '../../../src/core/github/rate-limit.js';
import { parseRemoteUrl, parseRepoArg } from '../../../src/core/github/repo-ref.js';

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/octo/app.git', 'octo/app'],
    ['https://github.com/octo/app', 'octo/app'],
    ['https://user:tok@github.com/octo/app.git', 'octo/app'],
    ['git@github.com:octo/app.git', 'octo/app'],
    ['ssh://git@github.com/octo/app.git', 'octo/app'],
    ['ssh://git@ghe.corp:2222/team/svc.git', 'team/svc'],
    ['git://github.com/octo/app.git', 'octo/app'],
  ])('%s → %s', (url, want) => {
    const r = parseRemoteUrl(url);
    expect(r && `${r.owner}/${r.repo}`).toBe(want);
  });

  it('returns undefined for a local path', () => {
    expect(parseRemoteUrl('/srv/git/app.git')).toBeUndefined();
  });
});

describe('parseRepoArg', () => {
  it('accepts owner/name and strips .git', () => {
    expect(parseRepoArg('octo/app.git')).toEqual({ owner: 'octo', repo: 'app' });
  });

  it('rejects anything else with a usage error', () => {
    expect(() => parseRepoArg('just-a-name')).toThrow(/not a GitHub repository/);
  });
});

const httpError = (status: number, headers: Record<string, string>, message = 'x') => ({
  status,
  message,
  response: { headers, data: { message } },
});

describe('rateLimitWait', () => {
  const now = 1_700_000_000_000;

  it('waits until x-ratelimit-reset when the primary limit is used up', () => {
    const w = rateLimitWait(
      httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }),
      now,
      0,
    );
    expect(w?.ms).toBe(30_500);
  });

  it('honours retry-after seconds (secondary limit)', () => {
    expect(rateLimitWait(httpError(403, { 'retry-after': '7' }), now, 0)?.ms).toBe(7000);
  });

  it('backs off a minute on a secondary limit without headers', () => {
    const err = httpError(403, {}, 'You have exceeded a secondary rate limit.');
    expect(rateLimitWait(err, now, 0)?.ms).toBe(60_000);
    expect(rateLimitWait(err, now, 1)?.ms).toBe(120_000);
  });

  it('does not treat a plain 403 (no rights) as a rate limit', () => {
    expect(rateLimitWait(httpError(403, {}, 'Resource not accessible'), now, 0)).toBeUndefined();
  });
});
