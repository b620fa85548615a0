import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { MODES, type Mode, makeScene } from '../support/contract-fixtures.js';
import { git, tempDir } from '../support/repo.js';
import { runProcess, startSpecloop } from '../support/run-process.js';
import type { FixtureStep } from '../support/team-fixtures.js';

/**
 * What the run core must survive, tried as a user would: kill -9 mid-step in every mode,
 * a second run started meanwhile, a closed terminal, a lost or garbled journal, a full disk.
 * Real processes (the built binary) where the process matters.
 */
const THREE: FixtureStep[] = [
  { title: 'one', actions: ['WRITE out/one.txt one'] },
  { title: 'two', actions: ['WRITE out/two.txt two'] },
  { title: 'three', actions: ['WRITE out/three.txt three'] },
];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const waitFor = async (what: string, ok: () => boolean, ms = 20_000) => {
  for (const t0 = Date.now(); !ok(); ) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('specloop run reliability', () => {
  const cleanups = useCleanups();
  const scene = (mode: Mode, steps: FixtureStep[]) => {
    const t = tempDir(`specloop-rel-${mode}-`);
    cleanups.push(t.cleanup);
    return makeScene(t.dir, mode, steps);
  };

  it.each(MODES)(
    '%s: kill -9 while a step is tested, then run again → every step lands exactly once',
    async (mode) => {
      const s = scene(mode, THREE);
      const crashed = await runProcess(['run', ...s.flags], {
        cwd: s.dir,
        env: { ...s.env, SPECLOOP_CRASH_AT: 'tests' },
      });
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      const resumed = await runProcess(['run', ...s.flags], { cwd: s.dir, env: s.env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect([...s.landed()].sort()).toEqual([1, 2, 3]);
    },
    90_000,
  );

  it('a second run in the same repository is refused (exit 2) naming the holder pid', async () => {
    const s = scene('solo', [{ title: 'slow', actions: ['SLEEP 3000', 'WRITE out/slow.txt slow'] }]);
    const first = startSpecloop(['run'], { cwd: s.dir, env: s.env });
    await waitFor('the run lock', () => existsSync(join(s.dir, '.specloop', 'run.lock')));
    for (const flags of [[], ['--parallel', '2']]) {
      const second = await runCli(['run', ...flags], { cwd: s.dir, env: s.env });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`another specloop run (pid ${first.pid}`);
    }
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1]);
    expect(existsSync(join(s.dir, '.specloop', 'run.lock'))).toBe(false);
  }, 60_000);

  it('closing the terminal (SIGHUP) kills the executor with the run; the next run finishes the step', async () => {
    const s = scene('solo', [{ title: 'slow', actions: ['SLEEP 4000', 'WRITE out/late.txt late'] }]);
    const marks = join(s.dir, '..', 'marks');
    mkdirSync(marks);
    const run = startSpecloop(['run'], { cwd: s.dir, env: { ...s.env, TEAM_STANDIN_MARK: marks } });
    await waitFor('the executor', () => readdirSync(marks).length > 0);
    const executor = Number(readdirSync(marks)[0]);
    process.kill(run.pid, 'SIGHUP');
    const r = await run.done;
    expect(r.code === 129 || r.signal === 'SIGHUP', r.stderr).toBe(true);
    await waitFor('the executor to die', () => !alive(executor), 3000);
    // Its late edit never happens, so it cannot be swept into a later commit.
    await new Promise((res) => setTimeout(res, 4500));
    expect(existsSync(join(s.dir, 'out', 'late.txt'))).toBe(false);
    const again = await runProcess(['run'], { cwd: s.dir, env: s.env });
    expect(again.code, again.stderr).toBe(0);
    expect(s.landed()).toEqual([1]);
  }, 60_000);

  it('a lost journal after a crash mid-step: recovered from git, never "save work before run"', async () => {
    const s = scene('solo', THREE);
    const crashed = await runProcess(['run'], {
      cwd: s.dir,
      env: { ...s.env, SPECLOOP_CRASH_AT: 'executor' },
    });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(git(s.dir, 'status', '--porcelain')).toContain('out/one.txt');
    rmSync(join(s.dir, '.specloop'), { recursive: true, force: true });
    const r = await runProcess(['run'], { cwd: s.dir, env: s.env });
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1, 2, 3]);
    expect(git(s.dir, 'log', '--format=%s', 'specloop/prompt_plan')).not.toContain('save work before run');
  }, 60_000);

  it('work committed by hand after a crash mid-step is checked and the step lands, not "changed no files"', async () => {
    const s = scene('solo', THREE);
    const crashed = await runProcess(['run'], {
      cwd: s.dir,
      env: { ...s.env, SPECLOOP_CRASH_AT: 'executor' },
    });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    git(s.dir, 'add', '-A', '--', 'out');
    git(s.dir, 'commit', '-q', '-m', 'wip: my own commit of the half-done step');
    const r = await runProcess(['run'], { cwd: s.dir, env: s.env });
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1, 2, 3]);
    expect(r.stderr).not.toContain('changed no files');
  }, 60_000);

  it('a malformed journal is rebuilt; a file named .specloop is a clear error, never "internal error"', async () => {
    const s = scene('solo', THREE);
    const cli = (args: string[]) => runCli(['run', ...args], { cwd: s.dir, env: s.env });
    expect((await cli(['--next'])).code).toBe(0);
    writeFileSync(
      join(s.dir, '.specloop', 'run.json'),
      '{"version":1,"plans":{"prompt_plan":{"history":{},"active":"x"}}}',
    );
    let r = await cli(['--next']);
    expect(r.code, r.stderr).toBe(0);
    rmSync(join(s.dir, '.specloop', 'run.json'));
    mkdirSync(join(s.dir, '.specloop', 'run.json'));
    r = await cli(['--next']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1, 2, 3]);
    rmSync(join(s.dir, '.specloop'), { recursive: true, force: true });
    writeFileSync(join(s.dir, '.specloop'), 'not a directory\n');
    r = await cli(['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    r = await cli([]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('.specloop');
    expect(r.code).toBeGreaterThan(0);
  }, 60_000);

  it('a full disk while writing the journal names the file and says what to do (exit 1)', async () => {
    const s = scene('solo', THREE);
    const r = await runCli(['run'], {
      cwd: s.dir,
      env: { ...s.env, SPECLOOP_CRASH_AT: 'enospc@write:run.json' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no space left on the device while writing');
    expect(r.stderr).toContain('run.json');
    expect(r.stderr).toContain('free some space');
    expect(r.stderr).not.toContain('internal error');
  }, 30_000);
});
