import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { deadPort } from '../support/dead-port.js';
import type { FakeReplyValue } from '../support/fake-llm-server.js';
import { agentModel } from './agent-model.js';
import { agentProject, expectGreenRun } from './run-agent.js';

/** The Codex CLI itself (pinned, real binary) against the fake model: its contract with specloop. */
describe('codex (real CLI)', () => {
  const cleanups = useCleanups();
  // gpt-5 is unknown to Codex 0.171, so it offers plain function tools (exec_command) that the
  // fake can play; its default model offers only a JavaScript "code mode" tool.
  it('green: codex runs the tests itself, both steps land; usage and cost are reported', async () => {
    const p = await agentProject(
      cleanups,
      'codex',
      agentModel('codex', { usage: { inputTokens: 2000, outputTokens: 200 } }),
    );
    const r = await p.run(['--json', '--model', 'gpt-5']);
    const summary = expectGreenRun(p, r);
    // OPENAI_BASE_URL reached codex through the -c provider overrides: the fake got the calls.
    expect(p.fake.requests.every((q) => q.path === '/v1/responses')).toBe(true);
    // 3 model turns per step × 2000 in / 200 out, priced as openai:gpt-5 ($1.25 / $10 per M).
    expect(summary.usage).toEqual({ inputTokens: 12000, outputTokens: 1200 });
    expect(summary.cost).toBeCloseTo((12000 * 1.25 + 1200 * 10) / 1e6, 9);
  });

  it('reconnect notices during a green step are shown, and the step lands on its first attempt', async () => {
    const model = agentModel('codex');
    let cuts = 0;
    const p = await agentProject(cleanups, 'codex', (req): FakeReplyValue => {
      if (req.tools.length > 0 && cuts < 2) {
        cuts++;
        return { fault: 'cut' };
      }
      return model(req);
    });
    const r = await p.run(['--json', '--until', '1', '--model', 'gpt-5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/codex: Reconnecting\.\.\. 1\/5/);
    expect(r.stderr).toMatch(/codex: Reconnecting\.\.\. 2\/5/);
    expect(r.stderr).not.toContain('rejected');
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ ok: true, attempts: 1 });
  });

  it('red then green: the red attempt is rejected by our checks, the retry lands', async () => {
    const p = await agentProject(cleanups, 'codex', agentModel('codex', { wrong: (_s, retry) => !retry }));
    const r = await p.run(['--json', '--until', '1', '--model', 'gpt-5']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({ ok: true, attempts: 2 });
    expect(r.stderr).toMatch(/attempt 1 rejected: the test command failed/);
  });

  it('an unknown model stops the run at once with codex’s own message, no attempt burned', async () => {
    const p = await agentProject(cleanups, 'codex', () => ({
      fault: 'http',
      status: 404,
      message: 'The model `nosuch` does not exist or you do not have access to it.',
    }));
    const r = await p.run(['--model', 'nosuch', '--max-attempts', '3']);
    expect(r.stderr).not.toContain('PATH aliases');
    expect(r.stderr).not.toContain('attempt 2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the model was not found');
    expect(r.stderr).toContain('does not exist');
  });

  it('an endpoint where nothing listens stops the run in seconds with the cause (exit 2); codex alone waits for ever', async () => {
    const p = await agentProject(cleanups, 'codex', agentModel('codex'));
    const port = await deadPort();
    const r = await p.run(['--model', 'gpt-5', '--max-attempts', '3'], {
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('codex: Reconnecting... waiting for network');
    expect(r.stderr).toContain(`the model endpoint is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('attempt 2');
  });

  it('--max-cost stops codex during its attempt, from its items before its turn reports usage', async () => {
    const p = await agentProject(
      cleanups,
      'codex',
      agentModel('codex', { usage: { inputTokens: 2000, outputTokens: 200 } }),
    );
    // One estimated call (the prompt in, the item out, at gpt-5's price) passes $0.00001.
    const r = await p.run(['--json', '--model', 'gpt-5', '--max-cost', '0.00001']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.stopped).toBe('cost-limit');
    expect(summary.steps).toHaveLength(1);
    expect(summary.steps[0].reason).toMatch(/^cost limit reached during the attempt: codex was stopped/);
    // A whole step is 3 model calls: codex was stopped before its turn ended.
    expect(p.fake.requests.filter((q) => q.tools.length > 0).length).toBeLessThan(3);
  });
});
