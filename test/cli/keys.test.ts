import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';

const cleanups = useCleanups();
const home = (): string => cleanups.tmp();
const keys = (dir: string, argv: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) =>
  runCli(['keys', ...argv], { cwd: dir, stdin: opts.stdin, env: { SPECLOOP_HOME: dir, ...opts.env } });

describe('specloop keys', () => {
  it('set reads the key from stdin and stores it with mode 0600', async () => {
    const dir = home();
    const r = await keys(dir, ['set', 'openai'], { stdin: 'sk-from-stdin\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('sk-from-stdin');
    const file = join(dir, 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ openai: 'sk-from-stdin' });
  });

  it('set with empty stdin exits 2 and writes nothing', async () => {
    const dir = home();
    const r = await keys(dir, ['set', 'openai'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(() => statSync(join(dir, 'keys.json'))).toThrow();
  });

  it('list shows names and sources, never values; env wins', async () => {
    const dir = home();
    await keys(dir, ['set', 'openai'], { stdin: 'sk-stored' });
    await keys(dir, ['set', 'anthropic'], { stdin: 'sk-ant-stored' });
    const r = await keys(dir, ['list'], { env: { ANTHROPIC_API_KEY: 'sk-ant-env' } });
    expect(r.stdout).toMatch(/^anthropic\s+env ANTHROPIC_API_KEY$/m);
    expect(r.stdout).toMatch(/^openai\s+stored$/m);
    expect(r.stdout + r.stderr).not.toMatch(/sk-/);
    const json = await keys(dir, ['list', '--json']);
    expect(JSON.parse(json.stdout).map((k: { provider: string }) => k.provider)).toEqual([
      'anthropic',
      'openai',
    ]);
    expect(json.stdout).not.toMatch(/sk-/);
  });

  it('path prints the store location', async () => {
    const dir = home();
    expect((await keys(dir, ['path'])).stdout).toBe(`${join(dir, 'keys.json')}\n`);
  });

  it('remove deletes a stored key; removing a missing one exits 2', async () => {
    const dir = home();
    await keys(dir, ['set', 'openai'], { stdin: 'x' });
    expect((await keys(dir, ['remove', 'openai'])).code).toBe(0);
    expect((await keys(dir, ['remove', 'openai'])).code).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'))).toEqual({});
  });
});
