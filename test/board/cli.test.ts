import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { pauseRun, readRunControl, resumeRun, waitWhilePaused } from '../../src/core/run-control.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { seedRepo } from '../support/team-fixtures.js';

describe('specloop board (CLI)', () => {
  const cleanups = useCleanups();
  const repo = () => {
    const root = cleanups.tmp('specloop-board-cli-');
    const dir = join(root, 'repo');
    mkdirSync(dir);
    seedRepo(dir, [
      { title: 'one', actions: [] },
      { title: 'two', actions: [] },
    ]);
    return { dir, env: { SPECLOOP_HOME: join(root, 'home') } };
  };

  it('serves the state until interrupted, then exits 0', async () => {
    const { dir, env } = repo();
    const stop = new AbortController();
    let stdout = '';
    const { Readable } = await import('node:stream');
    const running = main(['board', '--port', '0', '--json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: dir,
      stdin: Readable.from([]),
      stdout: { write: (t) => void (stdout += t), isTTY: false },
      stderr: { write: () => {}, isTTY: false },
      signal: stop.signal,
    });
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('"token"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const printed = JSON.parse(stdout);
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const state = (await (await fetch(`http://127.0.0.1:${printed.port}/api/state`)).json()) as {
      cards: { title: string }[];
    };
    expect(state.cards.map((c: { title: string }) => c.title)).toEqual(['one', 'two']);
    stop.abort();
    expect(await running).toBe(0);
  });

  it('a bad port is a usage error (exit 2)', async () => {
    const { dir, env } = repo();
    const r = await runCli(['board', '--port', 'eighty'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"eighty" is not a port');
  });

  it('outside a git repository: exit 2 with the reason', async () => {
    const dir = cleanups.tmp('specloop-board-nogit-');
    const r = await runCli(['board', '--port', '0'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, 'home') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not inside a git repository');
  });

  it('run control: pause is a file the run waits on between steps; resume removes it; git ignores it', async () => {
    const { dir } = repo();
    expect((await readRunControl(dir)).paused).toBe(false);
    await pauseRun(dir, { by: 'board' });
    expect(await readRunControl(dir)).toMatchObject({ paused: true, by: 'board' });
    expect(git(dir, 'status', '--porcelain')).toBe('');
    let waited = false;
    const wait = waitWhilePaused(dir, { pollMs: 20, onPause: () => (waited = true) });
    await new Promise((r) => setTimeout(r, 100));
    await resumeRun(dir);
    await wait;
    expect(waited).toBe(true);
    expect(existsSync(join(dir, '.specloop', 'control', 'run.json'))).toBe(false);
  });
});
