import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runBin } from '../support/cli.js';
import { tempDir } from '../support/repo.js';

// The acceptance, as a new user would run it: the real binary, real HTTP, real SQLite.
const cleanups = useCleanups();

describe('specloop binary: ask + logs', () => {
  it('echo hello | specloop ask -t summarize streams the reply; logs -n 1 --json shows it with tokens', async () => {
    const fake = await cleanups.fakeLlm([
      { text: 'A greeting, nothing more.', usage: { inputTokens: 42, outputTokens: 6 } },
    ]);
    const t = tempDir();
    cleanups.push(t.cleanup);
    const env = {
      SPECLOOP_HOME: t.dir,
      SPECLOOP_MODEL: 'openai:gpt-4o-mini',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: 'x',
    };
    const r = await runBin(['ask', '-t', 'summarize'], { cwd: t.dir, env, stdin: 'hello\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('A greeting, nothing more.\n');
    expect(fake.requests[0]!.stream).toBe(true);
    expect(fake.requests[0]!.messages.at(-1)!.content).toContain('hello');

    const logs = await runBin(['logs', '-n', '1', '--json'], { cwd: t.dir, env });
    expect(logs.code).toBe(0);
    const [row] = JSON.parse(logs.stdout);
    expect(row).toMatchObject({
      model: 'openai:gpt-4o-mini',
      command: 'ask -t summarize',
      response: 'A greeting, nothing more.',
      inputTokens: 42,
      outputTokens: 6,
    });
    expect(row.cost).toBeGreaterThan(0);
  });

  it('no key: exit 2 naming OPENAI_API_KEY, nothing on stdout', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const r = await runBin(['ask', 'hi'], { cwd: t.dir, env: { SPECLOOP_HOME: t.dir } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('OPENAI_API_KEY');
  });

  it('--llm-record then --llm-replay answers offline', async () => {
    const fake = await cleanups.fakeLlm(['recorded reply']);
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = `${t.dir}/session.jsonl`;
    const env = { SPECLOOP_HOME: t.dir, ...fake.env() };
    const rec = await runBin(['--llm-record', file, 'ask', 'q'], { cwd: t.dir, env });
    expect(rec.stdout).toBe('recorded reply\n');
    await fake.close();
    const replay = await runBin(['--llm-replay', file, 'ask', 'q'], {
      cwd: t.dir,
      env: { SPECLOOP_HOME: t.dir },
    });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe('recorded reply\n');
    const miss = await runBin(['--llm-replay', file, 'ask', 'other'], {
      cwd: t.dir,
      env: { SPECLOOP_HOME: t.dir },
    });
    expect(miss.code).toBe(2);
    expect(miss.stderr).toContain('"content": "other"');
  });
});
