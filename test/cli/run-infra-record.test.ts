import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { agentHandler, makeProject } from '../support/run-fixtures.js';
import { installStandins } from '../support/run-standins.js';

/**
 * An attempt that ends in an infrastructure failure (a rejected key, a test command that
 * cannot run …) stops the run at once AND leaves its run record: the reason, the stop code,
 * the external CLI's raw output; `specloop show N` says it stopped the run and was not counted.
 */
describe('specloop run: an infrastructure failure leaves the attempt’s record', () => {
  const cleanups = useCleanups();
  const project = (o: Parameters<typeof makeProject>[1] = {}) =>
    makeProject(cleanups.tmp('specloop-infra-rec-'), { titles: ['Only'], ...o });
  const env = (dir: string, more: Record<string, string> = {}) => ({
    SPECLOOP_HOME: join(dir, '.home'),
    ...more,
  });
  const attempts = (dir: string) => {
    const root = join(dir, '.specloop', 'runs');
    const runs = readdirSync(root).filter((n) => !n.startsWith('.'));
    expect(runs).toHaveLength(1);
    const stepDir = join(root, runs[0] as string, 'step-1');
    return readdirSync(stepDir).map((a) => ({
      name: a,
      dir: join(stepDir, a),
      meta: JSON.parse(readFileSync(join(stepDir, a, 'attempt.json'), 'utf8')),
    }));
  };

  it('builtin: a 401 from the model → exit 2 after one request; attempt 1 recorded with the cause; show says not counted', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm([
      { fault: 'http', status: 401, message: 'Incorrect API key provided' },
    ]);
    const r = await runCli(['run', '--max-attempts', '3'], { cwd: dir, env: env(dir, fake.env()) });
    expect(r.code).toBe(2);
    expect(fake.requests).toHaveLength(1);
    const [a] = attempts(dir);
    expect(a?.name).toBe('attempt-1');
    expect(a?.meta).toMatchObject({ ok: false, stoppedRun: 'E_INFRA_AUTH', executor: 'builtin' });
    expect(a?.meta.reason).toMatch(/rejected the API key: HTTP 401: Incorrect API key provided/);
    expect(readFileSync(join(a?.dir as string, 'prompt.md'), 'utf8')).toContain('step 1 (');
    const show = await runCli(['show', '1'], { cwd: dir, env: env(dir) });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(
      /attempt 1 \(builtin\): stopped the run \(E_INFRA_AUTH, not counted against --max-attempts\): .*rejected the API key/,
    );
    const json = JSON.parse((await runCli(['show', '1', '--json'], { cwd: dir, env: env(dir) })).stdout);
    expect(json.attempts[0].stoppedRun).toBe('E_INFRA_AUTH');
  });

  it('a transient failure (503) that outlasts the retries uses the attempts, and the hint says try again later, not “rewrite the prompt”', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm(() => ({ fault: 'http', status: 503, message: 'overloaded' }));
    const r = await runCli(['run', '--max-attempts', '2'], { cwd: dir, env: env(dir, fake.env()) });
    expect(r.code).toBe(1);
    expect(fake.requests).toHaveLength(2);
    expect(r.stderr).toContain('failed after 2 attempt(s): model error:');
    expect(r.stderr).toContain(
      'the model endpoint kept failing after its retries (llm.maxRetries); try again later',
    );
    expect(r.stderr).not.toContain('clearer or smaller');
  });

  it('codex: a rejected key → exit 2; the record keeps codex’s raw output as the transcript', async () => {
    const dir = project();
    const bin = installStandins(cleanups.tmp('specloop-bin-'), ['codex']);
    const r = await runCli(['run', '--executor', 'codex'], {
      cwd: dir,
      env: env(dir, { PATH: `${bin}:${process.env.PATH}`, STANDIN_MODE: 'failed401' }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rejected the API key');
    const [a] = attempts(dir);
    expect(a?.meta).toMatchObject({ ok: false, stoppedRun: 'E_INFRA_AUTH', executor: 'codex' });
    const transcript = readFileSync(join(a?.dir as string, 'transcript.txt'), 'utf8');
    expect(transcript).toMatch(/^\$ \S*codex exec --json/);
    expect(transcript).toContain('unexpected status 401 Unauthorized');
    const show = await runCli(['show', '1', '--part', 'transcript'], { cwd: dir, env: env(dir) });
    expect(show.stdout).toContain('turn.failed');
  });

  it('a test command that stops running mid-run (exit 127 after the attempt) → exit 2; the record has its output', async () => {
    // Green at the preflight; after the agent's attempt the command "is not found".
    const dir = project({
      testCommand: 'if [ -f src/step1.js ]; then echo "sh: 1: vitest: not found"; exit 127; fi',
    });
    const bin = installStandins(cleanups.tmp('specloop-bin-'), ['claude']);
    const r = await runCli(['run', '--executor', 'claude', '--max-attempts', '3'], {
      cwd: dir,
      env: env(dir, { PATH: `${bin}:${process.env.PATH}` }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was not found \(exit 127\)/);
    expect(r.stderr).not.toContain('attempt 2');
    const [a] = attempts(dir);
    expect(a?.meta).toMatchObject({ ok: false, stoppedRun: 'E_TEST_COMMAND', testCode: 127 });
    expect(readFileSync(join(a?.dir as string, 'test-output.txt'), 'utf8')).toContain('vitest: not found');
    // The executor's own output is kept too: the attempt ran, only the check could not.
    expect(readFileSync(join(a?.dir as string, 'transcript.txt'), 'utf8')).toContain('"type":"result"');
  });

  it('the failed attempt is not counted: after a 401 in attempt 2 of 2, the next run still has attempt 2', async () => {
    const dir = project();
    let keyRejected = true;
    const agent = agentHandler((_s, retry) => !retry); // attempt 1 red, a retry green
    const fake = await cleanups.fakeLlm((req, i) => {
      const retry = req.messages.some((m) => /This is attempt \d+ of/.test(m.content));
      if (retry && keyRejected)
        return { fault: 'http', status: 401, message: `Incorrect API key provided (#${i})` };
      return agent(req);
    });
    const first = await runCli(['run', '--max-attempts', '2'], { cwd: dir, env: env(dir, fake.env()) });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('rejected the API key');
    expect(first.stderr).toContain('does not count against --max-attempts');
    keyRejected = false;
    const again = await runCli(['run', '--max-attempts', '2', '--json'], {
      cwd: dir,
      env: env(dir, fake.env()),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).steps[0]).toMatchObject({ ok: true, attempts: 2 });
    const prompts = fake.requests.map((q) => q.messages.find((m) => m.role === 'user')?.content ?? '');
    expect(prompts.filter((p) => p.includes('This is attempt 2 of 2')).length).toBeGreaterThanOrEqual(2);
    expect(prompts.some((p) => p.includes('attempt 3'))).toBe(false);
  });
});
