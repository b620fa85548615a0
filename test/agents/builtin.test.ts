import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { history, ticked } from '../support/run-fixtures.js';
import { agentModel, ranTests } from './agent-model.js';
import { agentProject } from './run-agent.js';

/** The builtin agent through the real LLM client, for comparison with the CLIs' contracts. */
describe('builtin agent', () => {
  const cleanups = useCleanups();

  it('green: the agent runs the tests itself (run_tests) and both steps land on their first attempt', async () => {
    const p = await agentProject(cleanups, 'builtin', agentModel('builtin'));
    const r = await p.run(['--json']);
    expect(r.stderr).not.toContain('rejected');
    expect(r.code).toBe(0);
    expect(
      history(p.dir)
        .slice(-2)
        .map((h) => h.split('|')[1]),
    ).toEqual(['1', '2']);
    expect(ticked(p.dir)).toEqual([1, 2]);
    const results = p.fake.requests.flatMap((q) =>
      q.messages.filter((m) => m.role === 'tool').map((m) => m.content),
    );
    expect(results.some(ranTests)).toBe(true);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps.map((s: { attempts: number }) => s.attempts)).toEqual([1, 1]);
    // Every call streamed (llm.timeoutMs bounds silence, not the whole answer).
    expect(p.fake.requests.every((q) => q.stream)).toBe(true);
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
  });
});
