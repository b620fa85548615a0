import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { type FixtureStep, seedRepo, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';

describe('specloop run --parallel', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const setup = (steps: FixtureStep[]) => {
    const t = tempDir('specloop-parcli-');
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'repo');
    mkdirSync(dir);
    seedRepo(dir, steps, 'executor = "claude"\n');
    const bin = installTeamClaude(join(t.dir, 'bin'));
    const env = { SPECLOOP_HOME: join(t.dir, 'home'), PATH: `${bin}:${process.env.PATH}` };
    return { dir, cli: (args: string[]) => runCli(args, { cwd: dir, env }) };
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
