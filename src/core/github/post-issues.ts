import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, UsageError } from '../errors.js';
import { repoRoot } from '../git/index.js';
import { resolveToken } from './auth.js';
import { createGithubClient, type GithubApi } from './client.js';
import { fatalGithubError, isFatalGithubError } from './errors.js';
import { issueHash, type ParsedIssue, parseIssuesFile } from './issue-file.js';
import { loadPostedState, postedStatePath, savePostedState } from './posted-state.js';
import type { RateLimitWait } from './rate-limit.js';
import { githubMessage, sleep } from './rate-limit.js';
import { type RepoRef, repoString, resolveRepo } from './repo-ref.js';

export type IssueStatus = 'would-post' | 'created' | 'already-posted' | 'exists' | 'failed' | 'not-attempted';

/** What happened (or would happen) to one issue of the file. */
export interface IssueOutcome {
  title: string;
  labels: string[];
  body: string;
  /** Line of the issue's heading in the file. */
  line: number;
  hash: string;
  status: IssueStatus;
  number?: number;
  url?: string;
  error?: string;
}

export interface PostIssuesOptions {
  file: string;
  repo?: string;
  /** Added to every issue, on top of the file's own labels and `[github] labels`. */
  labels?: string[];
  dryRun?: boolean;
  /**
   * Shown the issues about to be created; resolve true to go ahead. Without it nothing
   * is posted (the CLI passes one that asks on a TTY or honours --yes).
   */
  confirm?: (repo: RepoRef, pending: IssueOutcome[]) => Promise<boolean>;
  onWait?: (wait: RateLimitWait) => void;
  onCreated?: (outcome: IssueOutcome) => void;
  /** Pause between creates; GitHub asks for about a second between writes. */
  writeIntervalMs?: number;
  /** Test seam: an API client instead of Octokit with a resolved token. */
  api?: GithubApi;
}

export interface PostIssuesResult {
  /** Undefined only on a dry run with no repository known. */
  repo?: RepoRef;
  file: string;
  dryRun: boolean;
  issues: IssueOutcome[];
}

async function stateRoot(ctx: Context): Promise<string> {
  if (ctx.projectRoot) return ctx.projectRoot;
  const root = await repoRoot(ctx.cwd, { env: ctx.env }).catch(() => undefined);
  return root || ctx.cwd;
}

async function readIssues(ctx: Context, file: string): Promise<ParsedIssue[]> {
  const path = resolve(ctx.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        code: 'E_NO_FILE',
        hint: 'generate one with `specloop task github-issues` (writes issues.md)',
      },
    );
  }
  return parseIssuesFile(text, { file });
}

/**
 * Post the issues of a file to GitHub, idempotently: issues recorded in
 * `.specloop/posted-issues.json` for this repo, or already open with the same title,
 * are skipped. One failed create does not stop the others; the result says exactly
 * which were created, and running again finishes the rest.
 */
export async function postIssues(ctx: Context, opts: PostIssuesOptions): Promise<PostIssuesResult> {
  const parsed = await readIssues(ctx, opts.file);
  const repo = await resolveRepo(ctx, { repo: opts.repo, required: !opts.dryRun });
  const statePath = postedStatePath(await stateRoot(ctx));
  const state = await loadPostedState(statePath);
  const posted = repo ? (state.repos[repoString(repo)] ??= {}) : {};
  const extra = [...ctx.config.github.labels, ...(opts.labels ?? [])];

  const issues: IssueOutcome[] = parsed.map((p) => {
    const hash = issueHash(p);
    const labels = [...new Set([...p.labels, ...extra])];
    const prior = posted[hash];
    return prior
      ? { ...p, labels, hash, status: 'already-posted', number: prior.number, url: prior.url }
      : { ...p, labels, hash, status: 'would-post' };
  });
  const result: PostIssuesResult = { repo, file: opts.file, dryRun: Boolean(opts.dryRun), issues };
  if (opts.dryRun || !repo) return result;

  const api =
    opts.api ?? createGithubClient(ctx, { token: (await resolveToken(ctx)).token, onWait: opts.onWait });
  const remember = async (o: IssueOutcome) => {
    posted[o.hash] = {
      number: o.number!,
      title: o.title,
      url: o.url!,
      at: new Date(ctx.clock.now()).toISOString(),
    };
    await savePostedState(statePath, state);
  };

  let open: Awaited<ReturnType<GithubApi['listOpenIssues']>>;
  try {
    open = await api.listOpenIssues(repo);
  } catch (err) {
    throw isFatalGithubError(err) ? fatalGithubError(err, repo) : err;
  }
  const byTitle = new Map(open.map((i) => [i.title.trim().toLowerCase(), i]));
  const existing: IssueOutcome[] = [];
  for (const o of issues) {
    const found = o.status === 'would-post' ? byTitle.get(o.title.trim().toLowerCase()) : undefined;
    if (!found) continue;
    Object.assign(o, { status: 'exists', number: found.number, url: found.url });
    existing.push(o);
  }

  const pending = issues.filter((o) => o.status === 'would-post');
  if (pending.length > 0 && (!opts.confirm || !(await opts.confirm(repo, pending)))) {
    throw new UsageError('nothing posted: not confirmed', {
      code: 'E_NOT_CONFIRMED',
      hint: 'pass --yes to post',
    });
  }
  // Recorded only now: a refusal above (exit 2) leaves every file as it was.
  for (const o of existing) await remember(o);

  let created = 0;
  for (const [i, o] of pending.entries()) {
    if (ctx.signal.aborted) throw new InterruptedError();
    if (i > 0 && opts.writeIntervalMs) await sleep(opts.writeIntervalMs, ctx.signal);
    try {
      const issue = await api.createIssue(repo, { title: o.title, body: o.body, labels: o.labels });
      Object.assign(o, { status: 'created', number: issue.number, url: issue.url });
      created++;
      await remember(o);
      opts.onCreated?.(o);
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      if (isFatalGithubError(err) && created === 0) throw fatalGithubError(err, repo);
      Object.assign(o, { status: 'failed', error: githubMessage(err) });
      if (isFatalGithubError(err)) {
        for (const rest of pending.slice(i + 1)) rest.status = 'not-attempted';
        break;
      }
    }
  }
  return result;
}
