import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';
import { type FixtureStep, seedRepo, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';

describe('specloop run --parallel', () => {
  const cleanups = useCleanups();
  const setup = (steps: FixtureStep[]) => {
    const t = tempDir('specloop-parcli-');
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'repo');
    mkdirSync(dir);
    seedRepo(dir, steps, 'executor = "claude"\n');
    const bin = installTeamClaude(join(t.dir, 'bin'));
    const env = { SPECLOOP_HOME: join(t.dir, 'home'), PATH: `${bin}:${process.env.PATH}` };
    return { dir, root: t.dir, env, cli: (args: string[]) => runCli(args, { cwd: dir, env }) };
  };

  it('two independent steps touching the same file land through a retry on the new base', async () => {
    const { dir, cli } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'left', deps: [1], actions: ['SLEEP 300', 'APPEND out/shared.txt left'] },
      { title: 'right', deps: [1], actions: ['SLEEP 300', 'APPEND out/shared.txt right'] },
      { title: 'after both', deps: [2, 3], actions: ['APPEND out/shared.txt end'] },
    ]);
    const r = await cli(['run', '--parallel', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /step [23]: conflicts with newer work in out\/shared\.txt; retrying on the new base \(1\/3\)/,
    );
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ mode: 'parallel', done: [1, 2, 3, 4], remaining: [], exitCode: 0 });
    expect(result.outcomes.filter((o: { rebases: number }) => o.rebases === 1)).toHaveLength(1);
    const branch = result.integrationBranch as string;
    expect([...stepTrailers(dir, branch)].sort()).toEqual([1, 2, 3, 4]);
    const shared = git(dir, 'show', `${branch}:out/shared.txt`).split('\n');
    expect(shared.slice(0, 2).sort()).toEqual(['left', 'right']);
    expect(shared[2]).toBe('end');
    expect(git(dir, 'show', `${branch}:todo.md`)).not.toContain('[ ]');
    expect(git(dir, 'worktree', 'list')).not.toContain('.specloop/worktrees');
  }, 90_000);

  it('lands on the checked-out branch and leaves the working tree clean and up to date', async () => {
    const { dir, cli } = setup([
      { title: 'one', actions: ['WRITE out/one.txt one'] },
      { title: 'two', deps: [], actions: ['WRITE out/two.txt two'] },
    ]);
    const r = await cli(['run', '--parallel', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out', 'two.txt'), 'utf8')).toBe('two\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(r.stderr).toContain('2 steps landed on');
  }, 60_000);

  it('kill -9 mid-step, then run again: the dirty worktree is recovered and every step lands once', async () => {
    const { dir, root, env } = setup([
      { title: 'quick', actions: ['WRITE out/quick.txt quick'] },
      { title: 'stuck', deps: [], actions: ['WRITE out/stuck.txt stuck', 'HANGIF HANG_ME'] },
      { title: 'last', deps: [1, 2], actions: ['WRITE out/last.txt last'] },
    ]);
    const marks = join(root, 'marks');
    mkdirSync(marks);
    const first = startSpecloop(['run', '--parallel', '2'], {
      cwd: dir,
      env: { ...env, HANG_ME: '1', TEAM_STANDIN_MARK: marks },
    });
    // Wait until step 1 landed and step 2's stand-in hangs with its file written.
    for (
      let i = 0;
      i < 600 && !(readdirSync(marks).length >= 2 && first.stderr().includes('step 1: landed'));
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    process.kill(first.pid, 'SIGKILL');
    for (const pid of readdirSync(marks)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {}
    }
    await first.done;
    const again = await startSpecloop(['run', '--parallel', '2'], { cwd: dir, env }).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /step 2: uncommitted changes left by an interrupted run saved to .*step-2-\d+\.patch/,
    );
    const branch = git(dir, 'symbolic-ref', '--short', 'HEAD');
    expect([...stepTrailers(dir, branch)].sort()).toEqual([1, 2, 3]);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  }, 120_000);

  it('a dependency cycle exits 2 naming the cycle', async () => {
    const { cli } = setup([
      { title: 'a', deps: [3], actions: [] },
      { title: 'b', deps: [1], actions: [] },
      { title: 'c', deps: [2], actions: [] },
    ]);
    const r = await cli(['run', '--parallel', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dependency cycle: Step \d → Step \d → Step \d → Step \d/);
  });
});
