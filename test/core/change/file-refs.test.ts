import { describe, expect, it } from 'vitest';
import {
  referencedPaths,
  unknownPathProblems,
  untestedStepProblems,
} from '../../../src/core/change/index.js';
import { parsePlan } from '../../../src/core/plan/index.js';

const plan = (...prompts: string[]) =>
  parsePlan(
    prompts.map((p, i) => `## Step ${i + 1}: S${i + 1}\n\nContext.\n\n\`\`\`text\n${p}\n\`\`\`\n`).join('\n'),
  );

describe('file references of a change plan', () => {
  it('finds paths, not URLs, module specifiers or product names', () => {
    expect(
      referencedPaths(
        'Edit src/a.ts and ./test.js; see https://x.org/b.js, node:fs and Node.js; keep package.json.',
      ),
    ).toEqual(['src/a.ts', 'test.js', 'package.json']);
  });

  it('accepts existing files and files an earlier step creates', () => {
    const p = plan('Create src/cache.js exporting cache().', 'Use cache() from src/cache.js in index.js.');
    expect(unknownPathProblems(p, ['index.js'], 'changes/x.md')).toEqual([]);
  });

  it('reports a file that is only edited, never created, with likely meant files', () => {
    const p = plan('Add pascalCase to src/index.js.');
    expect(unknownPathProblems(p, ['index.js', 'test.js'], 'changes/x.md')).toEqual([
      'changes/x.md: Step 1 refers to src/index.js, which is not in the repository and no step up to this one creates it (did you mean index.js?); name only real files, or say which step creates it',
    ]);
  });

  it('a later step cannot create a file for an earlier one', () => {
    const p = plan('Use src/cache.js in index.js.', 'Create src/cache.js.');
    expect(unknownPathProblems(p, ['index.js'], 'f.md')).toHaveLength(1);
  });
});

describe('test-first check of a change plan', () => {
  it('wants each step to ask for tests or say it is not test-driven', () => {
    const p = plan(
      'Write a failing test in test.js for x(), then implement x in index.js.',
      'Rename the helper in index.js.',
      'Test-driven: no\n\nDescribe x in README.md.',
    );
    expect(untestedStepProblems(p, 'c.md')).toEqual([
      'c.md: Step 2 neither asks for a failing test first nor says "Test-driven: no" (only for a step that changes no behaviour, such as documentation)',
    ]);
  });
});
