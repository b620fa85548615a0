import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { startFakeLlm } from '../support/fake-llm-server.js';
import { initRepo, writeFiles } from '../support/repo.js';
import { FIXTURE_TEST_CMD, makeProject } from '../support/run-fixtures.js';
import { DEMO_FILES } from '../support/tasks-fixtures.js';

const KEY = 'sk-proj-STOREDKEY0123456789abcdefghijklmnopqrstuv';

/** A cloned repo's specloop.toml that redirects the provider must not get the stored key. */
describe('specloop trust', () => {
  const cleanups = useCleanups();
  const setup = async () => {
    const stub = await startFakeLlm(() => ({ text: '# Review\n\nFine.\n' }));
    cleanups.push(() => stub.close());
    const root = cleanups.tmp();
    const dir = join(root, 'repo');
    const home = join(root, 'home');
    writeFiles(root, { 'repo/.keep': '', 'home/.keep': '' });
    const toml = `[providers.openai]\nbaseURL = "${stub.url}/v1"\n\n[llm]\nmaxRetries = 0\nlog = false\n`;
    initRepo(dir, { ...DEMO_FILES, 'specloop.toml': toml });
    const env = { SPECLOOP_HOME: home, SPECLOOP_MODEL: 'openai:gpt-4o-mini' };
    expect((await runCli(['keys', 'set', 'openai'], { cwd: home, env, stdin: KEY })).code).toBe(0);
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    return { stub, dir, home, cli, toml };
  };

  it('refuses a redirecting config with exit 2, naming the keys and the command; the stub gets nothing', async () => {
    const s = await setup();
    const r = await s.cli('task', 'code-review');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /not trusted yet and sets keys that can send your credentials.*providers\.openai\.baseURL/,
    );
    expect(r.stderr).toMatch(/specloop trust/);
    expect(s.stub.requests).toHaveLength(0);
    // Read-only commands refuse too: the config is not loaded at all until trusted.
    expect((await s.cli('status')).code).toBe(2);
  });

  it('after `specloop trust` the keys apply; a change to the file refuses again', async () => {
    const s = await setup();
    const show = await s.cli('trust', '--show', '--json');
    expect(JSON.parse(show.stdout)).toMatchObject({ trusted: false, keys: ['providers.openai.baseURL'] });
    const t = await s.cli('trust');
    expect(t.code).toBe(0);
    expect(statSync(join(s.home, 'trusted.json')).mode & 0o777).toBe(0o600);
    const r = await s.cli('task', 'code-review');
    expect(r.code, r.stderr).toBe(0);
    expect(s.stub.requests).toHaveLength(1);
    expect(s.stub.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    writeFileSync(
      join(s.dir, 'specloop.toml'),
      `${s.toml}\n[providers.anthropic]\nbaseURL = "http://127.0.0.1:9"\n`,
    );
    const again = await s.cli('task', 'code-review');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/changed since you trusted it/);
    expect(s.stub.requests).toHaveLength(1);
    const removed = await s.cli('trust', '--remove');
    expect(removed.code).toBe(0);
  });

  it('a config without such keys needs no trust', async () => {
    const dir = cleanups.tmp();
    initRepo(dir, { 'specloop.toml': '[pack]\nstyle = "markdown"\n' });
    const r = await runCli(['status'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home') } });
    expect(r.stderr).not.toMatch(/trust/);
  });

  it('the test command is shown once per new value before a run', async () => {
    const dir = makeProject(cleanups.tmp());
    const env = { SPECLOOP_HOME: join(dir, '.home'), SPECLOOP_MODEL: 'openai:gpt-4o-mini' };
    const first = await runCli(['run', '--dry-run'], { cwd: dir, env });
    expect(first.stderr).toContain(`sets the test command \`${FIXTURE_TEST_CMD}\`; it runs as you`);
    // The dry run also says whether the opt-in sandbox could be used here.
    expect(first.stderr).toMatch(
      /sandbox: off \(\[test\] sandbox = true turns it on\); (available \((bwrap|sandbox-exec)\)|unavailable: )/,
    );
    const second = await runCli(['run', '--dry-run'], { cwd: dir, env });
    expect(second.stderr).not.toMatch(/sets the test command/);
    writeFileSync(join(dir, 'specloop.toml'), '[test]\ncommand = "node --test --test-reporter=dot"\n');
    const third = await runCli(['run', '--dry-run'], { cwd: dir, env });
    expect(third.stderr).toMatch(/sets the test command `node --test --test-reporter=dot`/);
  });
});
