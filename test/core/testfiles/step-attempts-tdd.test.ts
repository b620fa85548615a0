import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/core/plan/index.js';
import type { Executor } from '../../../src/core/run/executors/types.js';
import { executeStep } from '../../../src/core/run/step-attempts.js';
import { makeLibrary } from '../../support/brownfield-fixtures.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { tempDir } from '../../support/repo.js';

const plan = parsePlan(
  [
    '# Plan',
    '',
    '## Step 1: Keep digits',
    '',
    '```text',
    'Add a failing test to test.js for camelCase("foo-2-bar"), then fix splitWords in words.js.',
    '```',
    '',
  ].join('\n'),
);

/** An executor that edits the library the way a good agent would: test.js and words.js. */
const editor = (dir: string): Executor => ({
  name: 'builtin',
  label: 'fake',
  async run() {
    writeFileSync(
      join(dir, 'words.js'),
      'export function splitWords(input) {\n  return input.split(/[-_.\\s]+/).filter(Boolean);\n}\n// digits kept\n',
    );
    writeFileSync(
      join(dir, 'test.js'),
      "import assert from 'node:assert/strict';\nimport { camelCase } from './index.js';\nassert.equal(camelCase('foo-2-bar'), 'foo2Bar');\n",
    );
    return { ok: true, usage: { inputTokens: 1, outputTokens: 1 }, cost: null };
  },
});

describe('a test-driven step in a library whose suite is a root test.js', () => {
  const cleanups = useCleanups();

  it('lands when test.js changed and the tests are green', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = makeLibrary(t.dir);
    const ctx = makeTestContext({ cwd: dir });
    const r = await executeStep(ctx, {
      repoDir: dir,
      plan,
      step: plan.steps[0]!,
      executor: editor(dir),
      testCommand: 'node test.js',
      maxAttempts: 1,
    });
    expect(r).toMatchObject({ ok: true, attempts: 1, changed: ['test.js', 'words.js'] });
  });
});
