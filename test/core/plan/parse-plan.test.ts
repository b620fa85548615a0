import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { inspectPlan, PlanFormatError, parsePlan } from '../../../src/core/plan/index.js';
import { VALID_PLAN } from '../../support/plan-fixtures.js';

function problemsOf(text: string): string {
  try {
    parsePlan(text, { file: 'prompt_plan.md' });
  } catch (err) {
    expect(err).toBeInstanceOf(PlanFormatError);
    return (err as Error).message;
  }
  throw new Error('expected a PlanFormatError');
}

describe('parsePlan', () => {
  it('reads steps in order with number, title, prompt, line and overview', () => {
    const plan = parsePlan(VALID_PLAN);
    expect(plan.overview).toMatch(/^# Word counter CLI\n\nA tiny CLI/);
    expect(plan.steps.map((s) => [s.number, s.title, s.line])).toEqual([
      [1, 'Scaffold the package', 5],
      [2, 'Count words in a string', 13],
      [3, 'Read files', 21],
      [4, 'Wire the CLI', 29],
    ]);
    expect(plan.steps[0]!.prompt).toBe(
      'Create package.json with a "test" script running vitest, and one passing smoke test.',
    );
    expect(plan.steps[0]!.context).toBe('Set up the project so later steps have a test runner.');
  });

  it('exposes the DAG from Depends on: lines', () => {
    const plan = parsePlan(VALID_PLAN);
    expect(plan.steps.map((s) => s.dependsOn)).toEqual([[], [1], [1], [2, 3]]);
  });

  it('without a Depends on: line a step depends on the previous one', () => {
    const plan = parsePlan('## Step 1: a\n```text\nx\n```\n## Step 2: b\n```text\ny\n```\n');
    expect(plan.steps[1]!.dependsOn).toEqual([1]);
    expect(plan.steps[1]!.explicitDeps).toBe(false);
  });

  it('reads "Depends on: none" and bold / "Step N and Step M" spellings', () => {
    const text =
      '## Step 1: a\n```text\nx\n```\n## Step 2: b\n**Depends on:** none\n```text\ny\n```\n' +
      '## Step 3: c\nDepends on: Step 1 and Step 2\n```text\nz\n```\n';
    expect(parsePlan(text).steps.map((s) => s.dependsOn)).toEqual([[], [], [1, 2]]);
  });

  it('ignores explanations after the Depends on: numbers', () => {
    const text =
      '## Step 1: a\n```text\nx\n```\n## Step 2: b\n```text\ny\n```\n' +
      '## Step 3: c\nDepends on: 1 (the scaffold), Step 2 — it reads the parser output.\n```text\nz\n```\n';
    expect(parsePlan(text).steps[2]!.dependsOn).toEqual([1, 2]);
  });

  it('keeps the Depends on: line out of the context', () => {
    const text =
      '## Step 1: a\n```text\nx\n```\n## Step 2: b\nWhy it matters.\nDepends on: 1\n\n```text\ny\n```\n';
    expect(parsePlan(text).steps[1]!.context).toBe('Why it matters.');
  });

  it('accepts common heading spellings (dash, bold, h3)', () => {
    const text = '### Step 1 - Setup\n```text\nx\n```\n## **Step 2: Parse**\n```text\ny\n```\n';
    expect(parsePlan(text).steps.map((s) => s.title)).toEqual(['Setup', 'Parse']);
  });

  it('ignores plan syntax inside a prompt fence', () => {
    const text = '## Step 1: a\n````text\n## Step 2: fake\nDepends on: 5\n```text\ninner\n```\n````\n';
    const plan = parsePlan(text);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.prompt).toBe('## Step 2: fake\nDepends on: 5\n```text\ninner\n```');
    expect(plan.steps[0]!.dependsOn).toEqual([]);
  });

  it('other code blocks (```ts) stay context; a closing "## Notes" section ends the last step', () => {
    const text = '## Step 1: a\n```ts\nconst x = 1;\n```\n```text\nx\n```\n## Notes\n```text\nstray\n```\n';
    const plan = parsePlan(text);
    expect(plan.steps[0]!.prompt).toBe('x');
    expect(plan.steps[0]!.context).toContain('const x = 1;');
    expect(plan.steps[0]!.context).not.toContain('stray');
  });

  it('handles CRLF line endings and a byte-order mark', () => {
    const text = `\uFEFF${VALID_PLAN.replace(/\n/g, '\r\n')}`;
    const plan = parsePlan(text);
    expect(plan.steps).toHaveLength(4);
    expect(plan.steps[3]!.prompt).not.toContain('\r');
    expect(plan.steps[3]!.line).toBe(29);
  });

  it('PlanFormatError is a UsageError (exit 2) with problems and line numbers', () => {
    try {
      parsePlan('## Step 2: a\n```text\nx\n```\n', { file: 'p.md' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as PlanFormatError).exitCode).toBe(2);
      expect((err as PlanFormatError).problems).toEqual([
        { line: 1, message: expect.stringContaining('expected "Step 1" here, found "Step 2"') },
      ]);
      expect((err as Error).message).toContain('p.md:1:');
    }
  });

  it('rejects a step without a text prompt, naming the step and line', () => {
    expect(problemsOf('## Step 1: a\nno prompt here\n')).toContain(
      'prompt_plan.md:1: Step 1 has no ```text prompt block',
    );
  });

  it('rejects two text prompts in one step', () => {
    expect(problemsOf('## Step 1: a\n```text\nx\n```\n\n```text\ny\n```\n')).toContain(
      'Step 1 has 2 ```text blocks (lines 2, 6); it needs exactly one',
    );
  });

  it('rejects an unclosed prompt fence', () => {
    expect(problemsOf('## Step 1: a\n```text\nx\n')).toContain('the ```text block of Step 1 is never closed');
  });

  it('rejects an empty prompt and a missing title', () => {
    const msg = problemsOf('## Step 1:\n```text\n\n```\n');
    expect(msg).toContain('Step 1 has no title');
    expect(msg).toContain('the prompt of Step 1 is empty');
  });

  it('rejects a file with no steps, and an empty file', () => {
    expect(problemsOf('# Plan\n\nJust prose.\n')).toContain('no step sections found');
    expect(problemsOf('')).toContain('the file is empty');
  });

  it('rejects duplicate and skipped step numbers', () => {
    const msg = problemsOf('## Step 1: a\n```text\nx\n```\n## Step 1: b\n```text\ny\n```\n');
    expect(msg).toContain('prompt_plan.md:5: expected "Step 2" here, found "Step 1"');
  });

  it('rejects a dependency on an unknown step', () => {
    expect(
      problemsOf('## Step 1: a\n```text\nx\n```\n## Step 2: b\nDepends on: 7\n```text\ny\n```\n'),
    ).toContain('prompt_plan.md:5: Step 2 depends on Step 7, which does not exist');
  });

  it('rejects a self dependency', () => {
    expect(problemsOf('## Step 1: a\nDepends on: 1\n```text\nx\n```\n')).toContain(
      'Step 1 depends on itself',
    );
  });

  it('rejects a cycle and names it', () => {
    const text =
      '## Step 1: a\n```text\nx\n```\n## Step 2: b\nDepends on: 3\n```text\ny\n```\n' +
      '## Step 3: c\nDepends on: 2\n```text\nz\n```\n';
    expect(problemsOf(text)).toMatch(/dependency cycle: Step 2 → Step 3 → Step 2/);
  });

  it('rejects an unreadable Depends on: list and a second Depends on: line', () => {
    const msg = problemsOf(
      '## Step 1: a\n```text\nx\n```\n## Step 2: b\nDepends on: the parser\n\n```text\ny\n```\n',
    );
    expect(msg).toContain('prompt_plan.md:6: cannot read "Depends on: the parser"');
    const twice = problemsOf('## Step 1: a\nDepends on: none\n\nDepends on: none\n```text\nx\n```\n');
    expect(twice).toContain('Step 1 has more than one "Depends on:" line');
  });

  it('inspectPlan returns problems instead of throwing', () => {
    const { plan, problems } = inspectPlan('## Step 1: a\n```text\nx\n```\n## Step 3: c\n```text\ny\n```\n');
    expect(plan.steps).toHaveLength(2);
    expect(problems).toHaveLength(1);
  });
});
