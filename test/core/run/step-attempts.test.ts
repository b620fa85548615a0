import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/core/errors.js';
import { parsePlan } from '../../../src/core/plan/index.js';
import { createBuiltinExecutor } from '../../../src/core/run/executors/builtin/agent.js';
import type { Executor, ExecutorInput, ExecutorResult } from '../../../src/core/run/executors/types.js';
import { executeStep, isTddStep, isTestFile } from '../../../src/core/run/step-attempts.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { tempDir, writeFiles } from '../../support/repo.js';
import { AGENT_TOOLS, makeProject, planText, stepFiles } from '../../support/run-fixtures.js';
import { createScriptedLlm } from '../../support/scripted-llm.js';

const plan = parsePlan(planText(['Only']));
const step = plan.steps[0]!;

/** An in-process executor: `act` does the attempt's work; every prompt is recorded. */
function fakeExecutor(act: (input: ExecutorInput, call: number) => Partial<ExecutorResult> | void) {
  const prompts: string[] = [];
  const ex: Executor & { prompts: string[] } = {
    name: 'builtin',
    label: 'fake',
    prompts,
    async run(input) {
      prompts.push(input.prompt);
      const r = act(input, prompts.length) ?? {};
      return { ok: true, usage: { inputTokens: 10, outputTokens: 5 }, cost: null, ...r };
    },
  };
  return ex;
}

describe('executeStep', () => {
  const cleanups = useCleanups();
  const setup = (o: { signal?: AbortSignal } = {}) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = makeProject(t.dir, { commitPlan: true });
    const ctx = makeTestContext({ cwd: dir, signal: o.signal, config: { test: { command: 'node --test' } } });
    const exec = (executor: Executor, extra: Partial<Parameters<typeof executeStep>[1]> = {}) =>
      executeStep(ctx, {
        repoDir: dir,
        plan,
        step,
        executor,
        testCommand: 'node --test',
        maxAttempts: 3,
        ...extra,
      });
    return { dir, ctx, exec };
  };

  it('accepts an attempt that changed files, passes the tests and touched a test file', async () => {
    const { dir, exec } = setup();
    const r = await exec(fakeExecutor(() => writeFiles(dir, stepFiles(1))));
    expect(r).toMatchObject({ ok: true, attempts: 1, changed: ['src/step1.js', 'test/step1.test.js'] });
    expect(r.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
  });

  it('an attempt that changed nothing fails every time, whatever the executor says', async () => {
    const { exec } = setup();
    const ex = fakeExecutor(() => ({ summary: 'All done, tests pass!' }));
    const r = await exec(ex);
    expect(r).toMatchObject({ ok: false, attempts: 3, reason: 'the attempt changed no files' });
    expect(ex.prompts[1]).toContain('This is attempt 2 of 3');
  });

  it('the executor’s own failure is the reason, even when the tree would pass', async () => {
    const { dir, exec } = setup();
    const r = await exec(
      fakeExecutor(() => {
        writeFiles(dir, stepFiles(1));
        return { ok: false, reason: 'tool-call budget used up (40) before finish' };
      }),
      { maxAttempts: 1 },
    );
    expect(r).toMatchObject({ ok: false, reason: 'tool-call budget used up (40) before finish' });
  });

  it('work already in the tree that passes is accepted without calling the executor', async () => {
    const { dir, exec } = setup();
    writeFiles(dir, stepFiles(1));
    const ex = fakeExecutor(() => {});
    const r = await exec(ex);
    expect(r).toMatchObject({ ok: true, attempts: 0 });
    expect(ex.prompts).toEqual([]);
  });

  it('with existing "continue", leftovers go to the executor as an interrupted attempt', async () => {
    const { dir, exec } = setup();
    writeFiles(dir, stepFiles(1));
    const ex = fakeExecutor(() => {});
    const r = await exec(ex, { existing: 'continue' });
    expect(r).toMatchObject({ ok: true, attempts: 1 });
    expect(ex.prompts[0]).toContain('interrupted before it finished');
    expect(ex.prompts[0]).toContain('src/step1.js');
  });

  it('stops before an attempt once the step spent its cost limit', async () => {
    const { exec } = setup();
    const ex = fakeExecutor(() => ({ cost: 1 }));
    const r = await exec(ex, { maxCost: 1.5 });
    expect(ex.prompts).toHaveLength(2);
    expect(r).toMatchObject({
      ok: false,
      attempts: 2,
      cost: 2,
      reason: 'cost limit reached ($2.00 of $1.50)',
    });
  });

  it('Ctrl-C (abort) during the tests stops with InterruptedError, work left in place', async () => {
    const ac = new AbortController();
    const { dir, exec } = setup({ signal: ac.signal });
    const ex = fakeExecutor(() => writeFiles(dir, stepFiles(1)));
    const p = exec(ex, { testCommand: 'sleep 5', onEvent: (e) => e.type === 'tests-start' && ac.abort() });
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
  });

  it('recognises test files and test-driven steps', () => {
    for (const f of [
      'test/a.js',
      'src/a.test.ts',
      'pkg/foo_test.go',
      'tests/test_x.py',
      'spec/a_spec.rb',
      '__tests__/a.js',
    ])
      expect(isTestFile(f), f).toBe(true);
    for (const f of ['src/a.js', 'src/testing.js', 'latest.js']) expect(isTestFile(f), f).toBe(false);
    expect(isTddStep(step, true)).toBe(true);
    expect(isTddStep(step, false)).toBe(false);
    expect(isTddStep({ ...step, prompt: 'Create the package.json' }, true)).toBe(false);
  });
});

describe('builtin agent budgets', () => {
  const cleanups = useCleanups();
  const input = (dir: string): ExecutorInput => ({
    repoDir: dir,
    step: 1,
    prompt: 'do step 1',
    testCommand: 'true',
    testCwd: dir,
    testTimeoutMs: 5000,
    signal: new AbortController().signal,
    onEvent: () => {},
  });
  const dir = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFiles(t.dir, { 'a.txt': 'a' });
    return t.dir;
  };
  const listing = { toolCalls: [{ name: 'list_files', input: {} }] };

  it('stops when the tool-call budget is used up', async () => {
    const d = dir();
    const llm = createScriptedLlm([listing, listing, listing]);
    const ex = createBuiltinExecutor(makeTestContext({ cwd: d, llm }), { maxToolCalls: 2 });
    expect(await ex.run(input(d))).toMatchObject({
      ok: false,
      reason: 'tool-call budget used up (2) before finish',
    });
    expect(llm.requests).toHaveLength(2);
  });

  it('stops when the token budget is used up', async () => {
    const d = dir();
    const llm = createScriptedLlm([listing, listing]);
    const ex = createBuiltinExecutor(makeTestContext({ cwd: d, llm }), { maxTokens: 12 });
    expect(await ex.run(input(d))).toMatchObject({
      ok: false,
      reason: 'token budget used up (12) before finish',
    });
  });

  it('a model error is a failed attempt with the reason', async () => {
    const d = dir();
    const llm = createScriptedLlm([new Error('HTTP 500 after 3 retries')]);
    const ex = createBuiltinExecutor(makeTestContext({ cwd: d, llm }));
    expect(await ex.run(input(d))).toMatchObject({
      ok: false,
      reason: 'model error: HTTP 500 after 3 retries',
    });
  });

  it('sends the system prompt with the test command and the six tools', async () => {
    const d = dir();
    const llm = createScriptedLlm([{ toolCalls: [{ name: 'finish', input: { summary: 's' } }] }]);
    const ex = createBuiltinExecutor(makeTestContext({ cwd: d, llm }));
    expect(await ex.run({ ...input(d), testCommand: 'npm test' })).toMatchObject({ ok: true, summary: 's' });
    expect(llm.requests[0]?.system).toContain('`npm test`');
    expect(Object.keys(llm.requests[0]?.tools ?? {}).sort()).toEqual(AGENT_TOOLS);
    expect(llm.requests[0]?.tools?.edit_file?.description).toContain('exactly once');
    expect(llm.requests[0]?.role).toBe('code');
  });
});
