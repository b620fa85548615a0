import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, writeFiles } from '../support/repo.js';
import {
  agentHandler,
  FIXTURE_TEST_CMD,
  history,
  makeProject,
  stepFiles,
  TITLES,
  ticked,
} from '../support/run-fixtures.js';
import { startMcp, textOf } from './mcp-client.js';

const SPEC = '# Spec\n\nEvery step function returns its own number.\n';

describe('specloop mcp: next_step and land_step (the editor agent played by the test)', () => {
  const cleanups = useCleanups();
  const project = (o: Parameters<typeof makeProject>[1] = { commitPlan: true }) => {
    const dir = makeProject(cleanups.tmp('specloop-mcp-land-'), o);
    writeFiles(dir, { 'spec.md': SPEC });
    git(dir, 'add', 'spec.md');
    git(dir, 'commit', '-q', '-m', 'spec');
    return dir;
  };

  it('next_step gives the prompt run gives its executor; land_step commits the work with trailer and tick', async () => {
    // What `specloop run` really sends for steps 1 and 2 (builtin agent, wire-level fake model).
    const ref = project();
    const fake = await cleanups.fakeLlm(agentHandler());
    const run = await runCli(['run', '--until', '2'], {
      cwd: ref,
      env: { SPECLOOP_HOME: join(ref, '.home'), ...fake.env() },
    });
    expect(run.code, run.stderr).toBe(0);
    const firstPrompt = (n: number) =>
      fake.requests
        .map((q) => q.messages.find((m) => m.role === 'user')?.content ?? '')
        .find((c) => c.includes(`step ${n} (`));
    const [run1, run2] = [firstPrompt(1), firstPrompt(2)];
    expect(run1).toContain('Every step function returns its own number.');

    const dir = project();
    const s = await startMcp(cleanups, dir);
    const next = await s.call('next_step');
    expect(next.isError).toBeFalsy();
    expect(textOf(next)).toBe(run1);
    expect(next.structuredContent).toMatchObject({
      step: 1,
      title: TITLES[0],
      testCommand: FIXTURE_TEST_CMD,
      tdd: true,
    });

    writeFiles(dir, stepFiles(1)); // the editor agent does the work
    const land = await s.call('land_step', { step: 1 });
    expect(land.isError, textOf(land)).toBeFalsy();
    expect(textOf(land)).toMatch(/^step 1 landed as [0-9a-f]{7} on main/);
    expect(history(dir).at(-1)).toBe(`step 1: ${TITLES[0]}|1|prompt_plan`);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'src/step1.js',
      'test/step1.test.js',
      'todo.md',
    ]);
    expect(ticked(dir)).toEqual([1]);
    expect(git(dir, 'status', '--porcelain')).toBe('');

    // The done step now shows in the next prompt, exactly as in run's prompt for step 2.
    const next2 = await s.call('next_step');
    expect(next2.structuredContent).toMatchObject({ step: 2 });
    expect(textOf(next2)).toBe(run2);
    expect(textOf(await s.call('next_step', { step: 1 }))).toContain('step 1 is already done');
  });

  it('a red tree is rejected with our test output; nothing is committed and the work stays', async () => {
    const dir = project();
    const before = history(dir);
    writeFiles(dir, stepFiles(1, 7)); // step1() returns 7, its test expects 1
    const s = await startMcp(cleanups, dir);
    const r = await s.call('land_step', { step: 1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^step 1 was not landed: the test command failed \(exit 1\)/);
    expect(textOf(r)).toContain('test output (tail):');
    expect(textOf(r)).toMatch(/7 !== 1|expected: 1/);
    expect(r.structuredContent).toMatchObject({
      landed: false,
      changed: ['src/step1.js', 'test/step1.test.js'],
    });
    expect(history(dir)).toEqual(before);
    expect(ticked(dir)).toEqual([]);
    expect(readFileSync(join(dir, 'src/step1.js'), 'utf8')).toContain('return 7');
    // Fixed by the agent: the same call lands it.
    writeFiles(dir, stepFiles(1));
    expect((await s.call('land_step', { step: 1 })).isError).toBeFalsy();
    expect(ticked(dir)).toEqual([1]);
  });

  it('a landed step that was reverted is not done any more: next_step offers it again', async () => {
    const dir = project();
    writeFiles(dir, stepFiles(1));
    const s = await startMcp(cleanups, dir);
    expect((await s.call('land_step', { step: 1 })).isError).toBeFalsy();
    expect((await s.call('plan_status')).structuredContent).toMatchObject({ done: [1], next: { number: 2 } });
    git(dir, 'revert', '--no-edit', 'HEAD');
    expect((await s.call('plan_status')).structuredContent).toMatchObject({ done: [], next: { number: 1 } });
    expect((await s.call('next_step')).structuredContent).toMatchObject({ step: 1 });
  });

  it('undo_step takes the landed step back with a revert commit; the step is offered again', async () => {
    const dir = project();
    writeFiles(dir, stepFiles(1));
    const s = await startMcp(cleanups, dir);
    expect((await s.call('land_step', { step: 1 })).isError).toBeFalsy();
    const undo = await s.call('undo_step');
    expect(undo.isError, textOf(undo)).toBeFalsy();
    expect(textOf(undo)).toMatch(/^step 1 \(First function\) undone by [0-9a-f]{7} on main/);
    expect(git(dir, 'log', '-1', '--format=%s')).toBe(`undo step 1: ${TITLES[0]}`);
    expect(ticked(dir)).toEqual([]);
    expect((await s.call('next_step')).structuredContent).toMatchObject({ step: 1 });
    const again = await s.call('undo_step');
    expect(again.isError).toBe(true);
    expect(again.structuredContent).toMatchObject({ error: { code: 'E_NOTHING_TO_UNDO', exitCode: 2 } });
  });

  it('two land_step calls sent at once land the step once (calls that change the repo run one at a time)', async () => {
    const dir = project();
    writeFiles(dir, stepFiles(1));
    const s = await startMcp(cleanups, dir);
    const both = await Promise.all([s.call('land_step', { step: 1 }), s.call('land_step', { step: 1 })]);
    expect(both.map((r) => Boolean(r.isError)).sort()).toEqual([false, true]);
    expect(textOf(both.find((r) => r.isError)!)).toContain('step 1 is already done');
    expect(history(dir).filter((h) => h.startsWith('step 1:'))).toHaveLength(1);
  });

  it('refuses an empty tree, a test-driven step without a test file, and edits to todo.md', async () => {
    const dir = project();
    const s = await startMcp(cleanups, dir);
    const empty = await s.call('land_step', { step: 1 });
    expect(textOf(empty)).toContain('the working tree has no changes for step 1');

    writeFiles(dir, { 'src/step1.js': stepFiles(1)['src/step1.js']! });
    const noTest = await s.call('land_step', { step: 1 });
    expect(noTest.isError).toBe(true);
    expect(textOf(noTest)).toContain('test-driven step but no test file');

    writeFiles(dir, {
      ...stepFiles(1),
      'todo.md': readFileSync(join(dir, 'todo.md'), 'utf8').replace('[ ]', '[x]'),
    });
    const tickedByAgent = await s.call('land_step', { step: 1 });
    expect(tickedByAgent.isError).toBe(true);
    expect(textOf(tickedByAgent)).toContain('changes todo.md, which a step may not change');
    expect(history(dir).at(-1)).toBe('spec||');
  });

  it('an uncommitted plan is a usage error with the fix; a blocked step names what it waits on', async () => {
    const dir = makeProject(cleanups.tmp('specloop-mcp-land-'), { commitPlan: false });
    const s = await startMcp(cleanups, dir);
    writeFiles(dir, stepFiles(1));
    const r = await s.call('land_step', { step: 1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^error: the plan is not committed yet: prompt_plan\.md, todo\.md\nhint: commit it first/,
    );
    expect(r.structuredContent).toMatchObject({ error: { code: 'E_PLAN_UNCOMMITTED', exitCode: 2 } });
    const blocked = await s.call('land_step', { step: 3 });
    expect(textOf(blocked)).toContain('step 3 depends on step(s) 2, which are not done');
    expect(git(dir, 'log', '--format=%s')).toBe('initial');
  });
});
