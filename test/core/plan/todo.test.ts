import { describe, expect, it } from 'vitest';
import {
  checkAgreement,
  markStep,
  PlanFormatError,
  parsePlan,
  parseTodo,
  todoFromPlan,
} from '../../../src/core/plan/index.js';
import { VALID_PLAN, VALID_TODO } from '../../support/plan-fixtures.js';

describe('parseTodo', () => {
  it('reads one item per step with title, state, line and sub-items', () => {
    const todo = parseTodo(VALID_TODO);
    expect(todo.problems).toEqual([]);
    expect(todo.items.map((i) => [i.number, i.title, i.done, i.line])).toEqual([
      [1, 'Scaffold the package', false, 3],
      [2, 'Count words in a string', false, 6],
      [3, 'Read files', false, 8],
      [4, 'Wire the CLI', false, 9],
    ]);
    expect(todo.items[0]!.subItems).toEqual([
      { text: 'package.json with a test script', done: false, line: 4 },
      { text: 'smoke test passes', done: false, line: 5 },
    ]);
  });

  it('treats [x] and [X] as done and finds items nested under chunk lists', () => {
    const todo = parseTodo('- Chunk A\n  - [X] Step 1: a\n  - [x] **Step 2:** b\n');
    expect(todo.items.map((i) => [i.number, i.title, i.done])).toEqual([
      [1, 'a', true],
      [2, 'b', true],
    ]);
  });

  it('reports a step item without a checkbox as a problem', () => {
    const todo = parseTodo('- Step 1: a\n');
    expect(todo.items).toEqual([]);
    expect(todo.problems[0]).toEqual({ line: 1, message: expect.stringContaining('has no checkbox') });
  });
});

describe('markStep', () => {
  it('ticks exactly the checkbox byte of the step', () => {
    const out = markStep(VALID_TODO, 2, true);
    expect(out).toBe(VALID_TODO.replace('- [ ] Step 2:', '- [x] Step 2:'));
  });

  it('unticks, and is idempotent', () => {
    const ticked = markStep(VALID_TODO, 4, true);
    expect(markStep(ticked, 4, true)).toBe(ticked);
    expect(markStep(ticked, 4, false)).toBe(VALID_TODO);
  });

  it('keeps CRLF, BOM, odd spacing and sub-items untouched', () => {
    const text = '\uFEFF# T\r\n\r\n*   [ ]   Step 1:  spaced   title\r\n    - [ ] sub\r\n';
    const out = markStep(text, 1, true);
    expect(out).toBe('\uFEFF# T\r\n\r\n*   [x]   Step 1:  spaced   title\r\n    - [ ] sub\r\n');
  });

  it('throws a PlanFormatError for a missing or duplicated step', () => {
    expect(() => markStep(VALID_TODO, 9, true)).toThrow(PlanFormatError);
    expect(() => markStep('- [ ] Step 1: a\n- [ ] Step 1: b\n', 1, true)).toThrow(/listed 2 times/);
  });
});

describe('checkAgreement', () => {
  const plan = parsePlan(VALID_PLAN);

  it('is empty when plan and todo agree (titles compared loosely)', () => {
    expect(checkAgreement(plan, parseTodo(VALID_TODO))).toEqual([]);
    expect(checkAgreement(plan, parseTodo(VALID_TODO.replace('Read files', '**read files.**')))).toEqual([]);
  });

  it('reports a missing item, an extra item, a title change and a duplicate', () => {
    const todo = parseTodo(
      '- [ ] Step 1: Scaffold the package\n- [ ] Step 2: Count lines\n- [ ] Step 2: again\n' +
        '- [ ] Step 4: Wire the CLI\n- [ ] Step 5: Extra\n',
    );
    const msgs = checkAgreement(plan, todo);
    expect(msgs).toContain('todo.md has no item for Step 3 ("Read files")');
    expect(msgs).toContain('todo.md line 5 lists Step 5 ("Extra"), which prompt_plan.md does not have');
    expect(msgs).toContain('todo.md lists Step 2 2 times (lines 2, 3)');
    expect(msgs).toContain(
      'Step 2 has different titles: prompt_plan.md line 13 says "Count words in a string", todo.md line 2 says "Count lines"',
    );
  });
});

describe('todoFromPlan', () => {
  it('writes one unchecked box per step that agrees with the plan', () => {
    const plan = parsePlan(VALID_PLAN);
    const text = todoFromPlan(plan);
    expect(text).toBe(
      '# Todo\n\n- [ ] Step 1: Scaffold the package\n- [ ] Step 2: Count words in a string\n' +
        '- [ ] Step 3: Read files\n- [ ] Step 4: Wire the CLI\n',
    );
    expect(checkAgreement(plan, parseTodo(text))).toEqual([]);
  });
});
