import { runGit } from '../../util/git.js';
import { fenceFor } from '../../util/markdown-fence.js';
import type { Context } from '../context.js';
import { resolveToken } from './auth.js';
import { createGithubClient, type GhIssue, type GithubApi } from './client.js';
import { COMMIT_LINE_LABEL, fixesLine } from './commit-lines.js';
import { fatalGithubError, isFatalGithubError } from './errors.js';
import type { RateLimitWait } from './rate-limit.js';
import { type RepoRef, repoString, resolveRepo } from './repo-ref.js';

export interface PullIssuesOptions {
  repo?: string;
  /** Only issues carrying every one of these labels. */
  labels?: string[];
  onWait?: (wait: RateLimitWait) => void;
  /** Test seam: an API client instead of Octokit with a resolved token. */
  api?: GithubApi;
  /** Leave out issues a commit on the current branch already fixes (`Fixes #N`), e.g. after a run. */
  skipFixed?: boolean;
}

export interface PullIssuesResult {
  repo: RepoRef;
  issues: GhIssue[];
  /** Open issues left out because a commit on this branch already says it fixes them. */
  alreadyFixed: number[];
  /** The prompt_plan-format file (`specloop run --from` executes it); empty when there are no issues. */
  text: string;
}

/** Render open issues as a prompt_plan: one step per issue, each prompt ending with its `Fixes #N`. */
export function renderIssuePlan(repo: RepoRef, issues: GhIssue[], opts: { labels?: string[] } = {}): string {
  const name = repoString(repo);
  const filter = opts.labels?.length ? ` labelled ${opts.labels.join(', ')}` : '';
  const out: string[] = [
    `# Open issues from ${name}`,
    '',
    `${issues.length} open issue(s)${filter}, pulled from GitHub. Each step below fixes one issue; ` +
      'its commit message ends with `Fixes #N`, which closes the issue when the commit reaches the default branch.',
    '',
  ];
  for (const [i, issue] of issues.entries()) {
    const body = issue.body.trim() || '(The issue has no description beyond its title.)';
    const prompt = [
      `Fix GitHub issue #${issue.number} in ${name}: ${issue.title}`,
      '',
      body,
      '',
      'Make the smallest change that resolves the issue, with a test that fails before the change and passes after it.',
      'The commit for this change must carry the line below, which closes the issue on GitHub; if you write',
      `the commit message yourself, end it with: ${fixesLine(issue.number)}`,
    ].join('\n');
    const fence = fenceFor(prompt);
    out.push(
      `## Step ${i + 1}: ${issue.title.replace(/\s+/g, ' ').trim()} (#${issue.number})`,
      '',
      `GitHub issue #${issue.number}: ${issue.url}`,
      ...(issue.labels.length ? [`Labels: ${issue.labels.join(', ')}`] : []),
      `${COMMIT_LINE_LABEL}: ${fixesLine(issue.number)}`,
      // Issues are independent of each other: `run --parallel` may take them in any order.
      'Depends on: none',
      '',
      `${fence}text`,
      prompt,
      fence,
      '',
    );
  }
  return out.join('\n');
}

/** Fetch the open issues of a repository (optionally by label) and render them as a runnable plan. */
export async function pullIssues(ctx: Context, opts: PullIssuesOptions): Promise<PullIssuesResult> {
  const repo = (await resolveRepo(ctx, { repo: opts.repo }))!;
  const api =
    opts.api ?? createGithubClient(ctx, { token: (await resolveToken(ctx)).token, onWait: opts.onWait });
  let issues: GhIssue[];
  try {
    issues = await api.listOpenIssues(repo, { labels: opts.labels });
  } catch (err) {
    throw isFatalGithubError(err) ? fatalGithubError(err, repo) : err;
  }
  issues.sort((a, b) => a.number - b.number);
  const fixed = opts.skipFixed ? await fixedOnBranch(ctx) : new Set<number>();
  const alreadyFixed = issues.filter((i) => fixed.has(i.number)).map((i) => i.number);
  issues = issues.filter((i) => !fixed.has(i.number));
  // An issue body becomes a step prompt: a key someone pasted into an issue must not.
  const { maskSecretsInText } = await import('../pack/secrets.js');
  for (const issue of issues) issue.body = await maskSecretsInText(issue.body);
  const text = issues.length ? renderIssuePlan(repo, issues, { labels: opts.labels }) : '';
  return { repo, issues, alreadyFixed, text };
}

/**
 * Issue numbers that commits reachable from HEAD close (`Fixes #12`, `closes #3`, `resolved #7`:
 * GitHub's closing keywords). Outside a repository, or before the first commit: none.
 */
async function fixedOnBranch(ctx: Context): Promise<Set<number>> {
  const log = await runGit(ctx.cwd, ['log', '--format=%B', 'HEAD'], { env: ctx.env });
  const out = new Set<number>();
  if (log.code !== 0) return out;
  for (const m of log.stdout.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b/gi))
    out.add(Number(m[1]));
  return out;
}
