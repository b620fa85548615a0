import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { git, tempDir } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';
import { type FixtureStep, makeRemote, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';

/**
 * `specloop run --team` as real processes: three clones of one bare remote, each a
 * member running the stand-in `claude`, all at once. Needs the built binary (`npx tsup`).
 */
const DAG: FixtureStep[] = [
  // Step 1 takes long enough for every member to be up before the fan-out.
  { title: 'base', actions: ['SLEEP 1500', 'WRITE out/base.txt base'] },
  { title: 'a', deps: [1], actions: ['SLEEP 1000', 'WRITE out/a.txt a'] },
  { title: 'b', deps: [1], actions: ['SLEEP 1000', 'WRITE out/b.txt b'] },
  { title: 'c', deps: [1], actions: ['SLEEP 1000', 'APPEND out/log.txt c'] },
  { title: 'd', deps: [2], actions: ['SLEEP 300', 'APPEND out/log.txt d'] },
  { title: 'join', deps: [3, 4, 5], actions: ['WRITE out/join.txt join'] },
];

describe('specloop run --team (three real processes on one bare remote)', () => {
  const cleanups = useCleanups();
  const setup = (steps: FixtureStep[]) => {
    const t = tempDir('specloop-teamrun-');
    cleanups.push(t.cleanup);
    const bin = installTeamClaude(join(t.dir, 'bin'));
    const r = makeRemote(t.dir, steps, `executor = "claude"\n\n[team]\nleaseSeconds = 2\n`);
    const env = (extra: Record<string, string> = {}) => ({
      SPECLOOP_HOME: join(t.dir, 'home'),
      PATH: `${bin}:${process.env.PATH}`,
      ...extra,
    });
    return { root: t.dir, ...r, env };
  };

  it('every step is integrated exactly once, the remote branch is green, no claim is left', async () => {
    const { bare, clone, env } = setup(DAG);
    const members = ['alice', 'bob', 'carol'].map((name) =>
      startSpecloop(['run', '--team'], { cwd: clone(name), env: env() }),
    );
    const results = await Promise.all(members.map((m) => m.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect([...stepTrailers(bare, 'main')].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(git(bare, 'for-each-ref', 'refs/specloop/')).toBe('');
    const check = clone('checker');
    expect(git(check, 'show', 'HEAD:todo.md')).not.toContain('[ ]');
    expect(
      readFileSync(join(check, 'out', 'log.txt'), 'utf8')
        .trim()
        .split('\n')
        .sort(),
    ).toEqual(['c', 'd']);
    // The remote integration branch passes the tests.
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('sh', ['check.sh'], { cwd: check, encoding: 'utf8' })).toContain('ok');
    // Work was shared: more than one member landed steps.
    const authors = new Set(git(bare, 'log', '--format=%an', '--grep=^Specloop-Step:', 'main').split('\n'));
    expect(authors.size).toBeGreaterThan(1);
  }, 120_000);

  it('kill -9 of a member mid-step: a teammate takes the step over after the lease expires', async () => {
    const { root, bare, clone, env } = setup([
      { title: 'slow', actions: ['WRITE out/slow.txt slow', 'HANGIF HANG_ME'] },
      { title: 'after', deps: [1], actions: ['WRITE out/after.txt after'] },
    ]);
    const marks = join(root, 'marks');
    mkdirSync(marks);
    const aliceDir = clone('alice');
    const alice = startSpecloop(['run', '--team'], {
      cwd: aliceDir,
      env: env({ HANG_ME: '1', TEAM_STANDIN_MARK: marks }),
    });
    await waitFor(() => readdirSync(marks).length > 0, 30_000);
    const bob = startSpecloop(['run', '--team'], { cwd: clone('bob'), env: env() });
    await new Promise((r) => setTimeout(r, 700));
    process.kill(alice.pid, 'SIGKILL');
    for (const pid of readdirSync(marks)) killQuietly(Number(pid));
    expect((await alice.done).signal).toBe('SIGKILL');
    const b = await bob.done;
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/step 1: taking over from alice@\S+: their lease expired \d+ s ago/);
    expect(stepTrailers(bare, 'main')).toEqual([1, 2]);
    expect(git(bare, 'for-each-ref', 'refs/specloop/')).toBe('');
    // Alice comes back: her dirty worktree of the step bob finished is cleaned away.
    const again = await startSpecloop(['run', '--team'], { cwd: aliceDir, env: env() }).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('step 1: already integrated; removed its leftover worktree');
    expect(existsSync(join(aliceDir, '.specloop', 'worktrees', '1'))).toBe(false);
  }, 120_000);

  it('a member restarted after kill -9 resumes its own claim at once, saving the half-done work as a patch', async () => {
    const { root, bare, clone, env } = setup([
      { title: 'slow', actions: ['WRITE out/slow.txt slow', 'HANGIF HANG_ME'] },
    ]);
    const marks = join(root, 'marks');
    mkdirSync(marks);
    const dir = clone('alice');
    const first = startSpecloop(['run', '--team'], {
      cwd: dir,
      env: env({ HANG_ME: '1', TEAM_STANDIN_MARK: marks }),
    });
    await waitFor(() => readdirSync(marks).length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(first.pid, 'SIGKILL');
    for (const pid of readdirSync(marks)) killQuietly(Number(pid));
    await first.done;
    const again = await startSpecloop(['run', '--team'], { cwd: dir, env: env() }).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/step 1: resuming my own claim left by a stopped run \(pid \d+\)/);
    expect(again.stderr).toMatch(
      /uncommitted changes left by an interrupted run saved to .*step-1-\d+\.patch/,
    );
    expect(stepTrailers(bare, 'main')).toEqual([1]);
  }, 120_000);

  it('no push rights on the remote: exit 2 with git’s message', async () => {
    const { bare, clone, env } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const { writeFileSync, chmodSync } = await import('node:fs');
    writeFileSync(
      join(bare, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "you have no push rights here" >&2\nexit 1\n',
    );
    chmodSync(join(bare, 'hooks', 'pre-receive'), 0o755);
    const r = await startSpecloop(['run', '--team'], { cwd: clone('alice'), env: env() }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('you have no push rights here');
  }, 60_000);
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}
