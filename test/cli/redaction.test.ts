import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { startFakeLlm } from '../support/fake-llm-server.js';

const KEY = 'sk-proj-ECHOEDKEY0123456789abcdefghijklmnop';

/** Keys and URL passwords never reach the terminal, --verbose included, nor the log. */
describe('masking of credentials', () => {
  const cleanups = useCleanups();

  it('--verbose does not print a key the provider echoes back; the log is 0600 and masked', async () => {
    const fake = await startFakeLlm([
      { fault: 'http', status: 401, message: `Incorrect API key provided: ${KEY}` },
    ]);
    cleanups.push(() => fake.close());
    const home = cleanups.tmp();
    const r = await runCli(['--verbose', 'ask', 'hello'], {
      cwd: home,
      env: { SPECLOOP_HOME: home, ...fake.env(), OPENAI_API_KEY: KEY },
    });
    expect(r.code).not.toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect(r.stderr).not.toContain(KEY);
    expect(r.stderr).toMatch(/\*\*\*/);
    const db = join(home, 'logs.db');
    expect(statSync(db).mode & 0o777).toBe(0o600);
    const logs = await runCli(['logs', '--json'], { cwd: home, env: { SPECLOOP_HOME: home } });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('Incorrect API key provided: ***');
    expect(logs.stdout).not.toContain(KEY);
  });

  it('a base URL with a password is refused with exit 2, the password not printed', async () => {
    const home = cleanups.tmp();
    const r = await runCli(['ask', 'hello'], {
      cwd: home,
      env: {
        SPECLOOP_HOME: home,
        OPENAI_BASE_URL: 'http://bob:pa55word-xyz@127.0.0.1:9/v1',
        OPENAI_API_KEY: KEY,
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /OPENAI_BASE_URL contains a password \(http:\/\/bob:\*\*\*@127\.0\.0\.1:9\/v1\)/,
    );
    expect(r.stderr).not.toContain('pa55word-xyz');
  });

  it('a recording is created 0600 and holds no key, even one the prompt contained', async () => {
    const fake = await startFakeLlm(['ok']);
    cleanups.push(() => fake.close());
    const home = cleanups.tmp();
    const r = await runCli(['--llm-record', 'rec.jsonl', 'ask', `why does ${KEY} fail?`], {
      cwd: home,
      env: { SPECLOOP_HOME: home, ...fake.env(), OPENAI_API_KEY: KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    const file = join(home, 'rec.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('why does *** fail?');
    expect(text).not.toContain(KEY);
  });
});
