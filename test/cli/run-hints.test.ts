import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { agentHandler, makeProject } from '../support/run-fixtures.js';

describe('run hints follow the state', () => {
  const cleanups = useCleanups();
  const finished = async () => {
    const dir = makeProject(cleanups.tmp('specloop-hints-'));
    const fake = await cleanups.fakeLlm(agentHandler());
    const r = await runCli(['run'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() } });
    expect(r.code, r.stderr).toBe(0);
    return { dir, r };
  };

  it('when every step is done, run needs no API key and no clean tree', async () => {
    const { dir } = await finished();
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    // No OPENAI_API_KEY / base URL: a model is not needed for nothing to do.
    const r = await runCli(['run'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('nothing to do: 3/3 steps');
  });

  it('a completed run says how to merge the branch or open a PR', async () => {
    const { r } = await finished();
    expect(r.stderr).toMatch(/git switch main && git merge specloop\/prompt_plan|gh pr create/);
  });

  it('after Ctrl-C, the exact command that resumes the run is printed', async () => {
    const dir = makeProject(cleanups.tmp('specloop-hints-int-'));
    const ac = new AbortController();
    const handler = agentHandler();
    const fake = await cleanups.fakeLlm((req) => {
      ac.abort(); // Ctrl-C while the agent works on the first step
      return handler(req as never) as never;
    });
    const r = await runCli(['run', '--until', '2'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() },
      signal: ac.signal,
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('resume with: specloop run --until 2');
  });

  it('with a remote and no gh, the hint says push then open a PR, or merge locally', async () => {
    const dir = makeProject(cleanups.tmp('specloop-hints-remote-'));
    const bare = cleanups.tmp('specloop-hints-bare-');
    git(bare, 'init', '-q', '--bare');
    git(dir, 'remote', 'add', 'origin', bare);
    const fake = await cleanups.fakeLlm(agentHandler());
    const r = await runCli(['run'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env(), PATH: '/usr/bin:/bin' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'all 3 steps are done; push it and open a pull request: git push -u origin specloop/prompt_plan (or merge locally: git switch main && git merge specloop/prompt_plan)',
    );
  });
});
