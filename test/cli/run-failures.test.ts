import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { deadPort } from '../support/dead-port.js';
import type { FakeReply } from '../support/fake-llm-server.js';
import { git, writeFiles } from '../support/repo.js';
import { agentHandler, makeProject } from '../support/run-fixtures.js';
import { runProcess } from '../support/run-process.js';

/**
 * What a user sees when a run cannot work: infrastructure failures stop at once with their
 * cause in one line; a red step shows why on the terminal and in `specloop show`.
 */
describe('specloop run: failures that stop the run, failures that show why', () => {
  const cleanups = useCleanups();
  const project = (o: Parameters<typeof makeProject>[1] = {}) =>
    makeProject(cleanups.tmp('specloop-runfail-'), { titles: ['Only'], ...o });
  const run = (dir: string, args: string[], env: Record<string, string>) =>
    runCli(['run', ...args], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...env } });

  it('an unreachable endpoint stops at once: exit 2, the cause in one line, no attempt burned', async () => {
    const dir = project();
    const port = await deadPort();
    const t0 = Date.now();
    const r = await run(dir, ['--max-attempts', '3'], {
      SPECLOOP_MODEL: 'openai:gpt-4o-mini',
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error: model call to openai:gpt-4o-mini failed: the model endpoint is unreachable: .*ECONNREFUSED/,
    );
    expect(r.stderr).not.toContain('attempt 2');
    expect(r.stderr).not.toContain('prompt_plan.md clearer');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it.each<[string, FakeReply, number, string]>([
    ['401', { fault: 'http', status: 401, message: 'Incorrect API key provided' }, 2, 'rejected the API key'],
    [
      '404 model',
      { fault: 'http', status: 404, message: 'The model `gpt-9` does not exist' },
      2,
      'the model was not found',
    ],
    [
      '400 context',
      { fault: 'http', status: 400, message: "This model's maximum context length is 8192 tokens" },
      1,
      'context window',
    ],
  ])('%s from the model stops the run after one request', async (_n, fault, exit, text) => {
    const dir = project();
    const fake = await cleanups.fakeLlm([fault, 'never']);
    const r = await run(dir, ['--max-attempts', '3'], fake.env());
    expect(r.code).toBe(exit);
    expect(r.stderr).toContain(text);
    expect(fake.requests).toHaveLength(1);
  });

  it('a test command that does not exist stops before any model call (exit 2)', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm(agentHandler());
    const r = await run(dir, ['--test-cmd', 'nosuchcmd'], fake.env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the test command `nosuchcmd` was not found \(exit 127\)/);
    expect(fake.requests).toHaveLength(0);
  });

  it('a suite that is red before the run stops it before any model call, with the failure shown', async () => {
    const dir = project();
    writeFiles(dir, {
      'test/index.test.js':
        "import assert from 'node:assert/strict';\nimport test from 'node:test';\ntest('name', () => assert.equal('demo', 'other'));\n",
    });
    git(dir, 'commit', '-qam', 'break the suite');
    const fake = await cleanups.fakeLlm(agentHandler());
    const r = await run(dir, [], fake.env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already red before any step ran');
    expect(r.stderr).toContain('not ok 1 - name');
    expect(fake.requests).toHaveLength(0);
    // --allow-red starts anyway; the step cannot land while the suite stays red.
    const again = await run(dir, ['--allow-red', '--max-attempts', '1'], fake.env());
    expect(again.stderr).toContain('--allow-red');
    expect(fake.requests.length).toBeGreaterThan(0);
  });

  it('a red step shows the failing test on the terminal, and `specloop show` has the record', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm(agentHandler(() => true));
    const r = await run(dir, ['--max-attempts', '2'], fake.env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not ok'); // the failing test, not just "exit 1"
    expect(r.stderr).toContain('.specloop/runs/');
    const show = await runCli(['show', '1'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home') } });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('attempt 1 (builtin): failed: the test command failed (exit 1)');
    expect(show.stdout).toContain('attempt 2 (builtin): failed');
    expect(show.stdout).toContain('-1 !== 1');
    const prompt = await runCli(['show', '1', '--attempt', '2', '--part', 'prompt'], { cwd: dir });
    expect(prompt.stdout).toContain('This is attempt 2 of 2');
    expect(prompt.stdout).toContain('-1 !== 1');
  });

  it('a crash in attempt 2 is recovered as attempt 2, with attempt 1’s reason and the tests run on what was left', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm(agentHandler((_s, retry) => !retry));
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    // Attempt 1 writes 2 files (red); attempt 2's first write is the 3rd: killed there.
    const first = await runProcess(['run'], { cwd: dir, env: { ...env, SPECLOOP_CRASH_AT: 'tool:3' } });
    expect(first.code).not.toBe(0);
    const before = fake.requests.length;
    const again = await runProcess(['run'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    const resumed = fake.requests.slice(before).find((q) => q.tools.length > 0);
    const prompt = resumed?.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(prompt).toContain('This is attempt 2 of 3');
    expect(prompt).toContain('attempt 1: the test command failed (exit 1)');
    expect(prompt).toContain('attempt 2 was interrupted before it finished');
    // The tests ran on the interrupted attempt's files (its first write already fixed the value).
    expect(prompt).toContain('the tests pass on them');
    expect(prompt).toMatch(/# pass \d+/);
  });
});
