import { describe, expect, it } from 'vitest';
import { isTddStep } from '../../../src/core/testfiles/index.js';

const step = (prompt: string, context = '') => ({ prompt, context });

describe('isTddStep', () => {
  it('is true for steps that ask for tests', () => {
    for (const p of [
      'First write tests in test/parse.test.ts for the empty input, then implement parse().',
      'Create src/step1.js exporting step1(), with a test in test/step1.test.js.',
      'Add a failing test for camelCase("foo-bar"), then fix the bug.',
      'Work test-first: pin down the behaviour, then implement it.',
      'Update the tests in test.js to cover the new option.',
      'Add a failing test, then run the tests.',
      'Write tests that pass for the parser, and run the test suite.',
    ])
      expect(isTddStep(step(p), true), p).toBe(true);
  });

  it('is false for steps that only run or mention tests', () => {
    for (const p of [
      'Rename the option in README.md. No new test is needed.',
      'Fix the typo in index.js and make sure the existing tests still pass.',
      'Run the test suite and keep it green.',
      'Create the package.json',
      'Do not add tests for this refactor; run them.',
      'Update the README and run the tests.',
      'Update the code so that the existing tests pass.',
      'Add a --json flag to the list command and run the whole test suite.',
      'Update docs/usage.md; make sure all tests still pass.',
    ])
      expect(isTddStep(step(p), true), p).toBe(false);
  });

  it('honours a marker line and a docs-only note in the section', () => {
    const tests = 'Write tests for the new flag.';
    expect(isTddStep(step(tests, 'Test-driven: no'), true)).toBe(false);
    expect(isTddStep(step(tests, '**Tests:** none'), true)).toBe(false);
    expect(isTddStep(step('Describe the flag in the README.', 'TDD: yes'), true)).toBe(true);
    expect(isTddStep(step(tests, 'A docs-only step.'), true)).toBe(false);
  });

  it('is false whenever TDD is off', () => {
    expect(isTddStep(step('Write tests first.'), false)).toBe(false);
  });
});
