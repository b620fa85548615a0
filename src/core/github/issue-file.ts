import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

/** One issue read from an issues file. */
export interface ParsedIssue {
  title: string;
  labels: string[];
  /** Markdown body, trimmed; may be empty. */
  body: string;
  /** 1-based line of the issue's heading. */
  line: number;
}

export interface IssueProblem {
  line: number;
  message: string;
}

/** GitHub's own limits: longer titles or label names are rejected with a 422. */
const MAX_TITLE = 256;
const MAX_LABEL = 50;

/** `## Issue: Title`, `### Issue 3: Title`, `## Issue #3 - Title` (the generated form). */
const STRUCTURED = /^#{2,3}[ \t]+issue(?:[ \t]*#?\d+)?[ \t]*[:.–—-](.*)$/i;
/** Any level-2 heading (the hand-written form). */
const HAND_WRITTEN = /^##[ \t]+(.*)$/;
const LABELS = /^[*_`\s]*labels?[ \t]*[*_`]*:[*_`]*(.*)$/i;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** A bad issues file: exit 2, showing the first bad line. */
export class IssueFormatError extends UsageError {
  readonly problems: IssueProblem[];
  constructor(file: string, lines: string[], problems: IssueProblem[]) {
    const first = problems[0]!;
    const shown = lines[first.line - 1] ?? '';
    const more = problems.length > 1 ? `\n  (${problems.length - 1} more problem(s) after this one)` : '';
    super(`${file}:${first.line}: ${first.message}\n  ${first.line} | ${shown}${more}`, {
      code: 'E_ISSUE_FORMAT',
      hint:
        'each issue starts with a `## Issue: <title>` heading, then an optional `Labels: a, b` line, then the body ' +
        '(see docs/github.md)',
    });
    this.problems = problems;
  }
}

/** Title + body identify an issue; labels may change between runs without re-posting it. */
export function issueHash(issue: Pick<ParsedIssue, 'title' | 'body'>): string {
  return createHash('sha256')
    .update(JSON.stringify([issue.title.trim(), issue.body.trim()]))
    .digest('hex')
    .slice(0, 16);
}

/** Models often wrap their whole answer in a ```markdown fence: look inside it. */
function unwrapWholeFence(lines: string[]): { lines: string[]; offset: number } {
  const first = lines.findIndex((l) => l.trim() !== '');
  let last = lines.length - 1;
  while (last > first && lines[last]!.trim() === '') last--;
  if (first < 0 || last <= first) return { lines, offset: 0 };
  const open = /^(`{3,}|~{3,})[ \t]*(markdown|md)?[ \t]*$/i.exec(lines[first]!.trim());
  if (!open || lines[last]!.trim() !== open[1]) return { lines, offset: 0 };
  return { lines: lines.slice(first + 1, last), offset: first + 1 };
}

function parseLabels(raw: string): { labels: string[]; problem?: string } {
  const text = raw.replace(/[*_`]+$/, '').trim();
  if (text === '' || /^(none|n\/a|-)$/i.test(text)) return { labels: [] };
  const labels: string[] = [];
  for (const part of text.split(',')) {
    const label = part.trim().replace(/^[`'"]+|[`'"]+$/g, '');
    if (!label) return { labels, problem: 'empty label in the Labels line (two commas in a row?)' };
    if (label.length > MAX_LABEL) return { labels, problem: `label longer than ${MAX_LABEL} characters` };
    if (!labels.includes(label)) labels.push(label);
  }
  return { labels };
}

function finishBody(bodyLines: string[]): string {
  const out = [...bodyLines];
  // Trailing `---` separators between issues belong to the layout, not the body.
  for (;;) {
    while (out.length && out[out.length - 1]!.trim() === '') out.pop();
    if (out.length && /^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(out[out.length - 1]!)) out.pop();
    else break;
  }
  while (out.length && out[0]!.trim() === '') out.shift();
  return out.join('\n');
}

/**
 * Parse an issues file. Two forms are accepted (docs/github.md):
 * generated — `## Issue: Title` (or `### Issue 2: Title`) headings; any other heading is body text;
 * hand-written — when no `Issue:` heading exists, every `## Title` heading starts an issue.
 * Either way an optional `Labels: a, b` line may follow the heading. Text before the
 * first issue (a title, a preamble) is ignored. Headings inside code fences never count.
 */
export function parseIssuesFile(text: string, opts: { file?: string } = {}): ParsedIssue[] {
  const file = opts.file ?? 'issues file';
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  const { lines, offset } = unwrapWholeFence(all);
  const problems: IssueProblem[] = [];

  // Fence state per line, so headings inside code blocks are body text.
  const inFence: boolean[] = [];
  let fence: { char: string; len: number; line: number } | undefined;
  for (const [i, l] of lines.entries()) {
    const m = FENCE.exec(l);
    if (fence) {
      inFence.push(true);
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.len && l.trim() === m[1]) fence = undefined;
    } else {
      inFence.push(false);
      if (m) fence = { char: m[1]![0]!, len: m[1]!.length, line: i };
    }
  }
  if (fence)
    problems.push({ line: fence.line + 1 + offset, message: 'code fence opened here is never closed' });

  const structured = lines.some((l, i) => !inFence[i] && STRUCTURED.test(l));
  const headingTitle = (l: string, i: number): string | undefined => {
    if (inFence[i]) return undefined;
    const m = (structured ? STRUCTURED : HAND_WRITTEN).exec(l);
    return m ? m[1]!.replace(/[ \t]+#+[ \t]*$/, '').trim() : undefined;
  };

  const issues: ParsedIssue[] = [];
  const seen = new Map<string, number>();
  let current: { issue: ParsedIssue; body: string[]; labelsDone: boolean } | undefined;
  const flush = () => {
    if (!current) return;
    current.issue.body = finishBody(current.body);
    issues.push(current.issue);
  };
  for (const [i, l] of lines.entries()) {
    const lineNo = i + 1 + offset;
    const title = headingTitle(l, i);
    if (title !== undefined) {
      flush();
      if (!title) problems.push({ line: lineNo, message: 'issue heading has no title' });
      else if (title.length > MAX_TITLE)
        problems.push({ line: lineNo, message: `issue title longer than ${MAX_TITLE} characters` });
      const key = title.toLowerCase();
      const dup = seen.get(key);
      if (title && dup !== undefined)
        problems.push({ line: lineNo, message: `duplicate issue title (first used at line ${dup})` });
      seen.set(key, lineNo);
      current = { issue: { title, labels: [], body: '', line: lineNo }, body: [], labelsDone: false };
      continue;
    }
    if (!current) continue;
    if (!current.labelsDone && l.trim() !== '') {
      current.labelsDone = true;
      const m = inFence[i] ? null : LABELS.exec(l);
      if (m) {
        const parsed = parseLabels(m[1]!);
        if (parsed.problem) problems.push({ line: lineNo, message: parsed.problem });
        current.issue.labels = parsed.labels;
        continue;
      }
    }
    current.body.push(l);
  }
  flush();

  if (issues.length === 0) {
    const firstText = all.findIndex((l) => l.trim() !== '');
    problems.unshift({
      line: firstText < 0 ? 1 : firstText + 1,
      message: 'no issues found: expected `## Issue: <title>` headings',
    });
  }
  if (problems.length) {
    problems.sort((a, b) => a.line - b.line);
    throw new IssueFormatError(file, all, problems);
  }
  return issues;
}
