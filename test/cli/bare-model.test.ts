import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';

describe('-m with a bare model name', () => {
  const cleanups = useCleanups();

  it('`ask -m gpt-4o` calls openai with model gpt-4o', async () => {
    const dir = cleanups.tmp('specloop-bare-');
    const fake = await cleanups.fakeLlm(['hello']);
    const r = await runCli(['ask', '-m', 'gpt-4o', 'say hello'], {
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.h') },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('hello');
    expect(fake.requests[0]!.model).toBe('gpt-4o');
  });
});
