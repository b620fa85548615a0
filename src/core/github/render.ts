import type { IssueOutcome, PostIssuesResult } from './post-issues.js';
import { repoString } from './repo-ref.js';

const STATUS_TEXT: Record<IssueOutcome['status'], string> = {
  'would-post': 'would post',
  created: 'created',
  'already-posted': 'already posted',
  exists: 'already open',
  failed: 'FAILED',
  'not-attempted': 'not attempted',
};

function preview(body: string, lines: number): string[] {
  const text = body.split('\n').filter((l) => l.trim() !== '');
  const shown = text.slice(0, lines).map((l) => (l.length > 100 ? `${l.slice(0, 99)}…` : l));
  if (text.length > lines) shown.push(`… (${text.length - lines} more line(s))`);
  return shown;
}

/** One block per issue: number/status, title, labels, and the start of the body. */
export function formatIssueList(issues: IssueOutcome[], opts: { bodyLines?: number } = {}): string {
  const out: string[] = [];
  for (const [i, o] of issues.entries()) {
    const ref = o.number ? ` #${o.number}` : '';
    out.push(`${i + 1}. [${STATUS_TEXT[o.status]}${ref}] ${o.title}`);
    if (o.labels.length) out.push(`   labels: ${o.labels.join(', ')}`);
    for (const l of preview(o.body, opts.bodyLines ?? 2)) out.push(`   | ${l}`);
    if (o.error) out.push(`   error: ${o.error}`);
  }
  return `${out.join('\n')}\n`;
}

/** Counts by status, e.g. "2 created, 1 already open, 1 failed". */
export function summarize(result: PostIssuesResult): string {
  const counts = new Map<string, number>();
  for (const o of result.issues)
    counts.set(STATUS_TEXT[o.status], (counts.get(STATUS_TEXT[o.status]) ?? 0) + 1);
  const where = result.repo ? repoString(result.repo) : '(no repository yet)';
  return `${where}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`;
}

/** Lines for the outcome of a real post: what was created and, on failure, what was not. */
export function formatPostReport(result: PostIssuesResult): string {
  const lines = result.issues.map((o) => {
    const ref = o.number ? `#${o.number}` : '-';
    const tail = o.url ? `  ${o.url}` : o.error ? `  (${o.error})` : '';
    return `${STATUS_TEXT[o.status].padEnd(14)} ${ref.padEnd(6)} ${o.title}${tail}`;
  });
  return `${lines.join('\n')}\n`;
}
