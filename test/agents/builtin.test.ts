import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { agentModel } from './agent-model.js';
import { agentProject, expectGreenRun } from './run-agent.js';

/** The builtin agent through the real LLM client, for comparison with the CLIs' contracts. */
describe('builtin agent', () => {
  const cleanups = useCleanups();

  it('green: the agent runs the tests itself (run_tests) and both steps land on their first attempt', async () => {
    const p = await agentProject(cleanups, 'builtin', agentModel('builtin'));
    const r = await p.run(['--json']);
    const summary = expectGreenRun(p, r);
    // Every call streamed (llm.timeoutMs bounds silence, not the whole answer).
    expect(p.fake.requests.every((q) => q.stream)).toBe(true);
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
  });
});
