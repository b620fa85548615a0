import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { ISSUES_ANSWER, type TaskSandbox, taskSandbox } from '../support/tasks-fixtures.js';

const boxes: TaskSandbox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.cleanup();
});

describe('as a new user: specloop task github-issues && specloop issues post --dry-run', () => {
  it('generates .specloop/out/issues.md in a real repo, then prints the issues it would post', async () => {
    const b = await taskSandbox([ISSUES_ANSWER]);
    boxes.push(b);
    const gen = await runBin(['task', 'github-issues'], { cwd: b.dir, env: b.env });
    expect(gen.code, gen.stderr).toBe(0);
    expect(readFileSync(join(b.dir, '.specloop/out/issues.md'), 'utf8')).toBe(ISSUES_ANSWER);
    expect(gen.stderr).toContain(
      'next: review .specloop/out/issues.md, then: specloop issues post .specloop/out/issues.md --dry-run',
    );

    // The file argument defaults to that draft.
    const dry = await runBin(['issues', 'post', '--dry-run'], { cwd: b.dir, env: b.env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('1. [would post] parse() throws on invalid JSON');
    expect(dry.stdout).toContain('   labels: bug');
    expect(dry.stdout).toContain('2. [would post] add() accepts strings');
    expect(dry.stdout).toContain('   labels: bug, design');
    expect(dry.stderr).toContain('2 would post');
  });
});
