import { describe, expect, it } from 'vitest';
import { IssueFormatError, issueHash, parseIssuesFile } from '../../../src/core/github/issue-file.js';

const generated = `# Issues

Here are the top issues I found.

## Issue: Config loader swallows TOML errors
Labels: bug, config

\`loadConfig\` in src/config.ts:40 catches every error.

### Steps to reproduce
1. write a broken file

---

## Issue 2: Split the 600-line router
**Labels:** design

The router mixes parsing and policy.
`;

function problemOf(text: string): IssueFormatError {
  try {
    parseIssuesFile(text, { file: 'issues.md' });
  } catch (err) {
    if (err instanceof IssueFormatError) return err;
    throw err;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseIssuesFile — generated form', () => {
  it('reads titles, labels and bodies from `## Issue:` headings', () => {
    const issues = parseIssuesFile(generated);
    expect(issues.map((i) => i.title)).toEqual([
      'Config loader swallows TOML errors',
      'Split the 600-line router',
    ]);
    expect(issues.map((i) => i.labels)).toEqual([['bug', 'config'], ['design']]);
    expect(issues[1]!.body).toBe('The router mixes parsing and policy.');
  });

  it('keeps sub-headings inside the body and drops the trailing --- separator', () => {
    const [first] = parseIssuesFile(generated);
    expect(first!.body).toContain('### Steps to reproduce');
    expect(first!.body.endsWith('1. write a broken file')).toBe(true);
  });

  it('records the heading line of each issue', () => {
    expect(parseIssuesFile(generated).map((i) => i.line)).toEqual([5, 15]);
  });

  it('ignores headings inside code fences', () => {
    const text = '## Issue: A\n\n```md\n## Issue: not a heading\n```\n';
    const issues = parseIssuesFile(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain('## Issue: not a heading');
  });

  it('unwraps an answer wrapped in one ```markdown fence', () => {
    const issues = parseIssuesFile('```markdown\n## Issue: A\nLabels: x\n\nbody\n```\n');
    expect(issues).toEqual([{ title: 'A', labels: ['x'], body: 'body', line: 2 }]);
  });
});

describe('parseIssuesFile — hand-written form', () => {
  it('treats every `## Title` as an issue when no `Issue:` heading exists', () => {
    const issues = parseIssuesFile(
      '# My backlog\n\n## Add --json to list\nlabels: cli\n\nPlease.\n\n## Docs typo\n',
    );
    expect(issues.map((i) => [i.title, i.labels, i.body])).toEqual([
      ['Add --json to list', ['cli'], 'Please.'],
      ['Docs typo', [], ''],
    ]);
  });
});

describe('parseIssuesFile — bad files', () => {
  it('rejects a file without issues, pointing at its first line', () => {
    const err = problemOf('just some notes\nno headings\n');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^issues\.md:1: no issues found/);
    expect(err.message).toContain('1 | just some notes');
  });

  it('shows the first bad line: an empty title', () => {
    const err = problemOf('## Issue: Fine\nbody\n\n## Issue:\nbody\n');
    expect(err.message).toContain('issues.md:4: issue heading has no title');
    expect(err.message).toContain('4 | ## Issue:');
  });

  it('rejects a duplicate title naming the first one', () => {
    const err = problemOf('## Issue: Same\nx\n## Issue: same\ny\n');
    expect(err.message).toContain('issues.md:3: duplicate issue title (first used at line 1)');
  });

  it('rejects an empty label', () => {
    const err = problemOf('## Issue: A\nLabels: bug,, ui\n');
    expect(err.message).toContain('issues.md:2: empty label');
  });

  it('rejects an unclosed code fence', () => {
    const err = problemOf('## Issue: A\n```ts\nconst x = 1;\n');
    expect(err.message).toContain('issues.md:2: code fence opened here is never closed');
  });

  it('reports the earliest of several problems and counts the rest', () => {
    const err = problemOf('## Issue:\n\n## Issue: B\nLabels: ,\n');
    expect(err.message).toMatch(/^issues\.md:1:/);
    expect(err.message).toContain('1 more problem');
    expect(err.problems).toHaveLength(2);
  });
});

describe('issueHash', () => {
  it('ignores labels but not the body', () => {
    const a = issueHash({ title: 'T', body: 'b' });
    expect(issueHash({ title: 'T ', body: 'b\n' })).toBe(a);
    expect(issueHash({ title: 'T', body: 'c' })).not.toBe(a);
  });
});
