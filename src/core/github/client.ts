import { Octokit } from '@octokit/rest';
import { packageVersion } from '../../util/paths.js';
import type { Context } from '../context.js';
import { WorkError } from '../errors.js';
import { apiBaseUrl } from './auth.js';
import { type RateLimitWait, rateLimitWait, sleep } from './rate-limit.js';
import type { RepoRef } from './repo-ref.js';

/** An open issue as we use it (pull requests are filtered out). */
export interface GhIssue {
  number: number;
  title: string;
  body: string;
  url: string;
  labels: string[];
}

/** The few GitHub calls specloop makes. */
export interface GithubApi {
  listOpenIssues(repo: RepoRef, opts?: { labels?: string[] }): Promise<GhIssue[]>;
  createIssue(repo: RepoRef, issue: { title: string; body: string; labels: string[] }): Promise<GhIssue>;
}

export interface GithubClientOptions {
  token: string;
  /** Told before each rate-limit pause (the CLI prints it). */
  onWait?: (wait: RateLimitWait) => void;
  /** Give up after this many rate-limit pauses on one request. */
  maxWaits?: number;
  /** Test seam. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

type RawIssue = {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  labels: Array<string | { name?: string }>;
  pull_request?: unknown;
};

const toIssue = (i: RawIssue): GhIssue => ({
  number: i.number,
  title: i.title,
  body: i.body ?? '',
  url: i.html_url,
  labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
});

/**
 * Octokit with rate limits waited out: every request (pages included) that hits a
 * primary or secondary limit sleeps until GitHub says to retry, then tries again.
 * Other errors pass through untouched (the caller maps them to exit codes).
 */
export function createGithubClient(ctx: Context, opts: GithubClientOptions): GithubApi {
  const octokit = new Octokit({
    auth: opts.token,
    baseUrl: apiBaseUrl(ctx.env),
    userAgent: `specloop/${packageVersion()}`,
    log: { debug: () => {}, info: () => {}, warn: (m: string) => ctx.log.debug(m), error: () => {} },
    request: { signal: ctx.signal },
  });
  const pause = opts.sleep ?? sleep;
  const maxWaits = opts.maxWaits ?? 10;
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (err) {
        const wait = rateLimitWait(err, ctx.clock.now(), attempt);
        if (!wait) throw err;
        if (attempt >= maxWaits) {
          throw new WorkError(`still rate limited by GitHub after ${maxWaits} waits`, {
            code: 'E_RATE_LIMIT',
            hint: 'run the same command again later: what was done is remembered',
            cause: err,
          });
        }
        opts.onWait?.(wait);
        await pause(wait.ms, ctx.signal);
      }
    }
  });

  return {
    async listOpenIssues(repo, o = {}) {
      const raw = (await octokit.paginate(octokit.rest.issues.listForRepo, {
        owner: repo.owner,
        repo: repo.repo,
        state: 'open',
        per_page: 100,
        ...(o.labels?.length ? { labels: o.labels.join(',') } : {}),
      })) as RawIssue[];
      return raw.filter((i) => !i.pull_request).map(toIssue);
    },
    async createIssue(repo, issue) {
      const r = await octokit.rest.issues.create({
        owner: repo.owner,
        repo: repo.repo,
        title: issue.title,
        body: issue.body,
        ...(issue.labels.length ? { labels: issue.labels } : {}),
      });
      return toIssue(r.data as RawIssue);
    },
  };
}
