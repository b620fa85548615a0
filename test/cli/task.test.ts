import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseIssuesFile } from '../../src/core/github/index.js';
import { parsePlan } from '../../src/core/plan/index.js';
import { runCli } from '../support/cli.js';
import type { FakeReply } from '../support/fake-llm-server.js';
import { ISSUES_ANSWER, PLAN_ANSWER, type TaskSandbox, taskSandbox } from '../support/tasks-fixtures.js';

const boxes: TaskSandbox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.cleanup();
});
async function sandbox(replies: FakeReply[], files?: Record<string, string>) {
  const b = await taskSandbox(replies, files);
  boxes.push(b);
  const task = (...args: string[]) => runCli(['task', ...args], { cwd: b.dir, env: b.env });
  const read = (f: string) => readFileSync(join(b.dir, f), 'utf8');
  return { ...b, task, read };
}
const userText = (b: TaskSandbox, i = 0) => b.fake.requests[i]!.messages.map((m) => m.content).join('\n');

describe('specloop task — each built-in task, end to end (real pack → fake LLM → file)', () => {
  it.each([
    ['code-review', '.specloop/out/code-review.md', '# Code review\n\n## Summary\nFine.\n', /file by file/],
    ['github-issues', '.specloop/out/issues.md', ISSUES_ANSWER, /## Issue: /],
    ['issue-prompts', '.specloop/out/issue-prompts.md', PLAN_ANSWER, /## Step N: Title/],
    [
      'missing-tests',
      '.specloop/out/missing-tests.md',
      '## Issue: Test add()\nLabels: tests\n\nCases.\n',
      /missing tests/,
    ],
    ['readme', '.specloop/out/README.md', '# demo\n\nAdds numbers.\n', /README\.md for the project/],
  ])('%s writes %s from the packed repository', async (name, file, answer, instruction) => {
    const b = await sandbox([answer]);
    const r = await b.task(name);
    expect(r.code, r.stderr).toBe(0);
    expect(b.read(file)).toBe(answer);
    expect(b.fake.requests).toHaveLength(1);
    const sent = userText(b);
    expect(sent).toContain('MARKER-MATH');
    expect(sent).toContain('MARKER-PARSE');
    expect(sent).toMatch(instruction);
    expect(b.fake.requests[0]!.stream).toBe(true);
    expect(r.stderr).toContain(`${name}: wrote ${file}`);
  });

  it('github-issues output is a file `issues post` accepts', async () => {
    const b = await sandbox([ISSUES_ANSWER]);
    await b.task('github-issues');
    expect(parseIssuesFile(b.read('.specloop/out/issues.md')).map((i) => i.title)).toEqual([
      'parse() throws on invalid JSON',
      'add() accepts strings',
    ]);
  });

  it('issue-prompts feeds issues.md (left at the root by an older version) to the model and writes a plan `run --from` accepts', async () => {
    const b = await sandbox([PLAN_ANSWER], { 'issues.md': ISSUES_ANSWER });
    const r = await b.task('issue-prompts');
    expect(r.code, r.stderr).toBe(0);
    const sent = userText(b);
    expect(sent).toContain('<issues>\n## Issue: parse() throws on invalid JSON');
    // issues.md is given once, as the issues, not packed again as code.
    expect(sent.split('add() accepts strings').length - 1).toBe(1);
    expect(parsePlan(b.read('.specloop/out/issue-prompts.md')).steps.map((s) => s.title)).toEqual([
      'Make parse() report invalid JSON',
      'Reject non-numbers in add()',
    ]);
    expect(r.stderr).toContain(
      'next: review the steps, then: specloop run --from .specloop/out/issue-prompts.md',
    );
  });

  it('unwraps an answer the model wrapped in a ```markdown fence', async () => {
    const b = await sandbox(['```markdown\n# demo\n\nAdds numbers.\n```']);
    await b.task('readme');
    expect(b.read('.specloop/out/README.md')).toBe('# demo\n\nAdds numbers.\n');
  });
});

describe('specloop task — output', () => {
  it('never overwrites an existing output file without --force (exit 2, no model call)', async () => {
    const b = await sandbox(['# new readme\n'], { 'README.md': '# mine\n' });
    const r = await b.task('readme', '-o', 'README.md');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('README.md already exists');
    expect(r.stderr).toContain('--force');
    expect(b.fake.requests).toHaveLength(0);
    expect(b.read('README.md')).toBe('# mine\n');
    expect((await b.task('readme', '-o', 'README.md', '--force')).code).toBe(0);
    expect(b.read('README.md')).toBe('# new readme\n');
  });

  it('--stdout prints the answer and writes no file', async () => {
    const b = await sandbox(['# Code review\nAll good.']);
    const r = await b.task('code-review', '--stdout');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('# Code review\nAll good.\n');
    expect(existsSync(join(b.dir, 'code-review.md'))).toBe(false);
    expect(existsSync(join(b.dir, '.specloop/out/code-review.md'))).toBe(false);
  });

  it('-o writes elsewhere', async () => {
    const b = await sandbox(['review']);
    expect((await b.task('code-review', '-o', 'out/review.md')).code).toBe(0);
    expect(b.read('out/review.md')).toBe('review\n');
  });

  it('a failed model call exits 1 and writes nothing', async () => {
    const b = await sandbox([{ fault: '500' }], { 'specloop.toml': '[llm]\nmaxRetries = 0\n' });
    const r = await b.task('code-review');
    expect(r.code).toBe(1);
    expect(existsSync(join(b.dir, '.specloop/out/code-review.md'))).toBe(false);
  });
});

describe('specloop task — input', () => {
  it('--input FILE uses an existing pack instead of packing again', async () => {
    const b = await sandbox(['ok'], { 'packed.txt': 'PREPACKED-CONTENT\n' });
    const r = await b.task('code-review', '--input', 'packed.txt');
    expect(r.code, r.stderr).toBe(0);
    expect(userText(b)).toContain('<code>\nPREPACKED-CONTENT');
    expect(userText(b)).not.toContain('MARKER-MATH');
    expect(r.stderr).not.toContain('packing');
  });

  it('--input - reads the pack from stdin', async () => {
    const b = await sandbox(['ok']);
    const r = await runCli(['task', 'readme', '--input', '-', '--stdout'], {
      cwd: b.dir,
      env: b.env,
      stdin: 'FROM-STDIN',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(userText(b)).toContain('FROM-STDIN');
  });

  it('pack flags reach the pack: --include narrows it', async () => {
    const b = await sandbox(['ok']);
    await b.task('code-review', '--include', 'src/math.js');
    expect(userText(b)).toContain('MARKER-MATH');
    expect(userText(b)).not.toContain('MARKER-PARSE');
  });

  it('-p sets template variables of a project template', async () => {
    const b = await sandbox(['ok'], {
      '.specloop/templates/pitch.md':
        '---\nvariables: [input, audience]\n---\nPitch this to {{audience}}:\n{{input}}\n',
      'specloop.toml': '[tasks.pitch]\ntemplate = "pitch"\noutput = "-"\n',
    });
    const r = await b.task('pitch', '-p', 'audience', 'investors');
    expect(r.code, r.stderr).toBe(0);
    expect(userText(b)).toContain('Pitch this to investors:');
    expect(r.stdout).toBe('ok\n');
  });
});

describe('specloop task — checks before any call', () => {
  it('a pack over the model’s context exits 2 with the token count and options, without calling', async () => {
    const b = await sandbox(['never']);
    const r = await b.task('code-review', '--context-window', '700');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the prompt is [\d,]+ tokens, but openai:gpt-4o-mini takes 700/);
    expect(r.stderr).toMatch(/--token-budget \d+ /);
    expect(r.stderr).toContain('--include');
    expect(b.fake.requests).toHaveLength(0);
  });

  it('over confirmCostOver and not on a terminal: exit 2 explaining --yes, no call', async () => {
    const b = await sandbox(['ok'], { 'specloop.toml': 'confirmCostOver = 0\n' });
    const r = await b.task('code-review');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /estimated cost [\d,]+ tokens in to openai:gpt-4o-mini, ≈ \$[\d.]+ is over confirmCostOver/,
    );
    expect(r.stderr).toContain('--yes');
    expect(b.fake.requests).toHaveLength(0);
  });

  it('--yes goes ahead over the threshold', async () => {
    const b = await sandbox(['ok'], { 'specloop.toml': 'confirmCostOver = 0\n' });
    expect((await b.task('code-review', '--yes')).code).toBe(0);
    expect(b.fake.requests).toHaveLength(1);
  });

  it('an unknown task exits 2 listing the tasks', async () => {
    const b = await sandbox([]);
    const r = await b.task('revew');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown task "revew"');
    expect(r.stderr).toContain('code-review, github-issues, issue-prompts, missing-tests, readme');
  });
});
