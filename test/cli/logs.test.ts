import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import type { FakeLlm } from '../support/fake-llm-server.js';

let fake: FakeLlm | undefined;
const cleanups = useCleanups();
// Tests without a server of their own must not see the previous test's.
afterEach(() => {
  fake = undefined;
});
const home = (): string => cleanups.tmp();
const cli = (dir: string, argv: string[], env: Record<string, string | undefined> = {}) =>
  runCli(argv, { cwd: dir, env: { SPECLOOP_HOME: dir, ...fake?.env(), ...env } });

describe('specloop logs', () => {
  it('shows the newest calls with tokens, as text and JSON', async () => {
    fake = await cleanups.fakeLlm([
      { text: 'first', usage: { inputTokens: 5, outputTokens: 1 } },
      { text: 'second', usage: { inputTokens: 7, outputTokens: 2 } },
    ]);
    const dir = home();
    await cli(dir, ['ask', 'one']);
    await cli(dir, ['ask', 'two']);
    const text = await cli(dir, ['logs', '-n', '1']);
    expect(text.stdout).toMatch(/^#2 .* openai:gpt-4o-mini {2}ask {2}7 in \/ 2 out {2}\$0\.\d+/m);
    expect(text.stdout).toContain('response: second');
    expect(text.stdout).not.toContain('first');
    const json = JSON.parse((await cli(dir, ['logs', '-n', '2', '--json'])).stdout);
    expect(json.map((r: { response: string }) => r.response)).toEqual(['second', 'first']);
    expect(json[0]).toMatchObject({ inputTokens: 7, outputTokens: 2, command: 'ask', prompt: '[user]\ntwo' });
  });

  it('logs a failed call with its error', async () => {
    fake = await cleanups.fakeLlm([{ fault: '500' }]);
    const dir = home();
    // The retries still happen (and are logged), without 7 s of real backoff between them.
    writeFileSync(join(dir, 'config.toml'), '[llm]\nretryBaseMs = 0\n');
    const r = await cli(dir, ['ask', 'x'], { SPECLOOP_DEBUG: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('after 4 attempts');
    const [row] = JSON.parse((await cli(dir, ['logs', '-n', '1', '--json'])).stdout);
    expect(row.error).toContain('HTTP 500');
  });

  it('--off stops logging (persisted), --on resumes', async () => {
    fake = await cleanups.fakeLlm(['a', 'b']);
    const dir = home();
    expect((await cli(dir, ['logs', '--off'])).stderr).toContain('logging is off');
    await cli(dir, ['ask', 'not logged']);
    expect(existsSync(join(dir, 'logs.db'))).toBe(false);
    await cli(dir, ['logs', '--on']);
    await cli(dir, ['ask', 'logged']);
    const rows = JSON.parse((await cli(dir, ['logs', '--json'])).stdout);
    expect(rows.map((r: { prompt: string }) => r.prompt)).toEqual(['[user]\nlogged']);
  });

  it('--path prints the database path (llm.logPath honored)', async () => {
    const dir = home();
    expect((await cli(dir, ['logs', '--path'])).stdout).toBe(`${join(dir, 'logs.db')}\n`);
  });

  it('an empty log says so on stderr, nothing on stdout', async () => {
    const dir = home();
    const r = await cli(dir, ['logs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no calls logged yet');
  });

  it('-n must be a positive number', async () => {
    expect((await cli(home(), ['logs', '-n', 'zero'])).code).toBe(2);
  });
});
