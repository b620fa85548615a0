import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { inspectPlan, parsePlan, parseTodo } from '../../../src/core/plan/index.js';
import { PARSE_LIMITS } from '../../../src/core/plan/parse-bounds.js';

/**
 * Hostile plans and todos: every input gives a result or a UsageError (exit 2) — never a
 * crash — within a time and memory bound. The bounds are generous (the test machine is
 * shared): they catch the unbounded cases (a stack overflow, minutes, gigabytes), not speed.
 */
const TIME_BOUND_MS = 20_000;
const HEAP_BOUND_MB = 700;

function bounded(fn: () => unknown): void {
  const t0 = Date.now();
  const heap0 = process.memoryUsage().heapUsed;
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
  }
  expect(Date.now() - t0).toBeLessThan(TIME_BOUND_MS);
  expect((process.memoryUsage().heapUsed - heap0) / 1e6).toBeLessThan(HEAP_BOUND_MB);
}

/** Markdown's meaningful characters and the plan/todo vocabulary, mixed at random. */
const token = fc.constantFrom(
  '## Step 1: A\n',
  '## Step 2: B\n',
  '```text\n',
  '```\n',
  '~~~',
  '- [ ] Step 1: A\n',
  '- [x] Step 2: B\n',
  '  - sub\n',
  'Depends on: 1\n',
  '> ',
  '- ',
  '* ',
  '1. ',
  '[',
  ']',
  '(',
  ')',
  '*',
  '_',
  '`',
  '<',
  '|',
  '\n',
  '\n\n',
  '\t',
  '    ',
  'word ',
  '\ufeff',
  '\r\n',
  '\\',
);
const markdownish = fc.array(token, { maxLength: 400 }).map((t) => t.join(''));

/** Repetition of one hostile unit, up to well past every limit. */
const hostile = fc
  .tuple(
    fc.constantFrom(
      '>',
      '> ',
      '- ',
      '  - ',
      '1. ',
      '\n',
      '[a](',
      '*a **b ',
      '`',
      '<!--',
      '| a |\n',
      '[',
      ' ',
    ),
    fc.integer({ min: 1, max: 30_000 }),
    fc.boolean(),
  )
  .map(
    ([unit, n, withStep]) => `${withStep ? '## Step 1: A\n\n```text\nx\n```\n' : ''}${unit.repeat(n)} end\n`,
  );

describe('plan and todo parsers under fuzzing', () => {
  it('random markdown: inspectPlan never throws, parsePlan/parseTodo give a result or exit 2', () => {
    fc.assert(
      fc.property(markdownish, (text) => {
        expect(() => inspectPlan(text)).not.toThrow();
        bounded(() => parsePlan(text));
        bounded(() => parseTodo(text));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('hostile repetition (deep quotes and lists, blank lines, open brackets): exit 2 or a result, bounded', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        bounded(() => parsePlan(text));
        bounded(() => parseTodo(text));
      }),
      { numRuns: 25, seed: 13 },
    );
  });

  it.each([
    ['a 10,000-deep blockquote', `## Step 1: A\n\n\`\`\`text\nx\n\`\`\`\n${'>'.repeat(10_000)} deep\n`],
    ['a 3,000-deep list', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n')],
    ['1 MB of blank lines', `## Step 1: A\n\n\`\`\`text\nx\n\`\`\`\n${'\n'.repeat(1_000_000)}`],
  ])('%s is refused with a problem naming the limit', (_name, text) => {
    const { problems } = inspectPlan(text);
    expect(problems[0]?.message).toMatch(/too deep|too many lines|too large|nesting/);
    expect(() => parseTodo(text)).toThrow(UsageError);
  });

  it('a plan at the limits still parses', () => {
    const steps = Array.from(
      { length: 300 },
      (_, i) =>
        `## Step ${i + 1}: Step ${i + 1}\n\nSome context.\n\n\`\`\`text\nDo thing ${i + 1}.\n\`\`\`\n`,
    ).join('\n');
    expect(steps.length).toBeLessThan(PARSE_LIMITS.maxChars);
    expect(parsePlan(steps).steps).toHaveLength(300);
  });
});
