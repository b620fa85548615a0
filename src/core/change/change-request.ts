import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { GithubApi } from '../github/index.js';

/** The request text, from the argument, or from an open GitHub issue (`--issue N`). */
export async function requestFromIssue(
  ctx: Context,
  o: { issue: number; repo?: string; api?: GithubApi },
): Promise<{ text: string; title: string }> {
  const { pullIssues } = await import('../github/index.js');
  const pulled = await pullIssues(ctx, { repo: o.repo, api: o.api });
  const issue = pulled.issues.find((i) => i.number === o.issue);
  if (!issue)
    throw new UsageError(
      `issue #${o.issue} is not an open issue of ${pulled.repo.owner}/${pulled.repo.repo}`,
      {
        code: 'E_NO_ISSUE',
        hint: 'check the number (`specloop issues pull` lists the open ones), or pass --repo owner/name',
      },
    );
  const body = issue.body.trim() || '(The issue has no description beyond its title.)';
  return { text: `GitHub issue #${issue.number}: ${issue.title}\n\n${body}`, title: issue.title };
}

/** `plan` with `Commit message: Fixes #N` in its last step's context, so the last commit closes the issue. */
export function withFixesLine(planText: string, headingLine: number, line: string): string {
  const lines = planText.split('\n');
  lines.splice(headingLine, 0, '', line);
  return lines.join('\n');
}
