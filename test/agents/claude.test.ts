import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { deadPort } from '../support/dead-port.js';
import type { FakeRequest } from '../support/fake-llm-server.js';
import { agentModel } from './agent-model.js';
import { agentProject, expectGreenRun, toolResults } from './run-agent.js';

/** Claude Code itself (pinned, real binary) against the fake model: its contract with specloop. */
describe('claude (real CLI)', () => {
  const cleanups = useCleanups();
  const main = (reqs: FakeRequest[]) => reqs.filter((r) => r.tools.length > 0);

  it('green: the agent runs the tests itself (allowed, no denial) and both steps land', async () => {
    const p = await agentProject(cleanups, 'claude', agentModel('claude'));
    const r = await p.run(['--json']);
    const summary = expectGreenRun(p, r);
    // Claude ran the test command itself: no "This command requires approval".
    expect(toolResults(p).join('\n')).not.toContain('requires approval');
    expect(p.fake.requests.every((q) => q.path === '/v1/messages')).toBe(true);
    // Usage and cost as Claude reported them (its own price table, the fake's token counts).
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    expect(summary.cost).toBeGreaterThan(0);
  });

  it('red then green: the red attempt is rejected by our checks, the retry lands', async () => {
    const p = await agentProject(cleanups, 'claude', agentModel('claude', { wrong: (_s, retry) => !retry }));
    const r = await p.run(['--json', '--until', '1']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0]).toMatchObject({ ok: true, attempts: 2 });
    expect(r.stderr).toMatch(/attempt 1 rejected: the test command failed/);
    // The retry prompt the model got carries the failing assertion.
    const retry = main(p.fake.requests).find((q) =>
      q.messages.some((m) => /This is attempt 2 of/.test(m.content)),
    );
    expect(retry?.messages.map((m) => m.content).join('\n')).toMatch(/not ok|AssertionError|-1/);
  });

  it('an unknown model stops the run at once with Claude’s own message (exit 2), no attempt burned', async () => {
    const p = await agentProject(cleanups, 'claude', () => ({
      fault: 'http',
      status: 404,
      message: 'model: nosuch-model',
    }));
    const r = await p.run(['--model', 'nosuch-model', '--max-attempts', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the model was not found');
    expect(r.stderr).toContain('issue with the selected model');
    expect(r.stderr).not.toContain('"type":"result"');
    expect(r.stderr).not.toContain('attempt 2');
  });

  it('an endpoint where nothing listens stops the run in seconds with the cause (exit 2), not after Claude’s 10 retries', async () => {
    const p = await agentProject(cleanups, 'claude', agentModel('claude'));
    const port = await deadPort();
    const started = Date.now();
    const r = await p.run(['--max-attempts', '3'], { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/claude: API call failed \(.*\), retry 1\/10/);
    expect(r.stderr).toContain(`the model endpoint is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('attempt 2');
    // Claude alone retries for ~3 minutes before it gives up.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('--max-cost stops Claude after the call that reaches it (specloop’s meter on its events, and its own budget)', async () => {
    const p = await agentProject(cleanups, 'claude', agentModel('claude'));
    // One call (1000 in / 100 out at claude-sonnet-4-5's price, $0.0045) is more than $0.00001.
    const r = await p.run(['--json', '--model', 'claude-sonnet-4-5', '--max-cost', '0.00001']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.stopped).toBe('cost-limit');
    expect(summary.steps).toHaveLength(1);
    expect(summary.steps[0].attempts).toBe(1);
    // Usually specloop's meter ("… during the attempt: claude was stopped …"), else Claude's own budget.
    expect(summary.steps[0].reason).toMatch(/cost limit|budget/);
    // A whole step is 3 model calls: Claude was stopped after the first.
    expect(main(p.fake.requests)).toHaveLength(1);
  });
});
