import { describe, expect, it } from 'vitest';
import { fileAnswers, runBrainstorm } from '../../../src/core/brainstorm/index.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { createScriptedLlm } from '../../support/scripted-llm.js';

describe('runBrainstorm (scripted model)', () => {
  const cleanups = useCleanups();
  const dir = (): string => cleanups.tmp();

  it('uses the brainstorm role and the chosen model for every call', async () => {
    const llm = createScriptedLlm(['Q?', '<<SPEC_READY>>', '# Spec']);
    const ctx = makeTestContext({ cwd: dir(), llm });
    const r = await runBrainstorm(ctx, {
      idea: 'x',
      model: 'm:1',
      force: false,
      input: fileAnswers('yes\n'),
    });
    expect(r.reason).toBe('model');
    expect(llm.requests.map((q) => [q.role, q.model])).toEqual([
      ['brainstorm', 'm:1'],
      ['brainstorm', 'm:1'],
      ['brainstorm', 'm:1'],
    ]);
  });

  it('Ctrl-C during a model call: InterruptedError naming the resume command', async () => {
    const controller = new AbortController();
    const llm = createScriptedLlm([
      () => {
        controller.abort();
        throw new InterruptedError();
      },
    ]);
    const ctx = makeTestContext({ cwd: dir(), llm, signal: controller.signal });
    const err = await runBrainstorm(ctx, { idea: 'x', force: false, input: fileAnswers('') }).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.message).toMatch(/resume with: specloop idea --resume \d{8}-\d{6}-[0-9a-f]{4}/);
  });

  it('an empty question from the model is a work error with the resume hint', async () => {
    const llm = createScriptedLlm(['  ']);
    const ctx = makeTestContext({ cwd: dir(), llm });
    const err = await runBrainstorm(ctx, { idea: 'x', force: false, input: fileAnswers('') }).catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.hint).toContain('specloop idea --resume');
  });
});
