/** GitHub: parse issues files, post them idempotently, pull open issues as a runnable plan. */
export { apiBaseUrl, resolveToken } from './auth.js';
export type { GhIssue, GithubApi } from './client.js';
export { createGithubClient } from './client.js';
export { COMMIT_LINE_LABEL, commitLinesOf, fixesLine } from './commit-lines.js';
export type { IssueProblem, ParsedIssue } from './issue-file.js';
export { IssueFormatError, issueHash, parseIssuesFile } from './issue-file.js';
export type { IssueOutcome, IssueStatus, PostIssuesOptions, PostIssuesResult } from './post-issues.js';
export { postIssues } from './post-issues.js';
export { POSTED_STATE_FILE } from './posted-state.js';
export type { PullIssuesOptions, PullIssuesResult } from './pull-issues.js';
export { pullIssues, renderIssuePlan } from './pull-issues.js';
export type { RateLimitWait } from './rate-limit.js';
export { rateLimitWait } from './rate-limit.js';
export type { RepoRef } from './repo-ref.js';
export { parseRemoteUrl, parseRepoArg, repoString } from './repo-ref.js';
