import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { type FixtureStep, makeRemote, stepTrailers } from '../support/team-fixtures.js';

const PLAN: FixtureStep[] = [
  { title: 'base', actions: [] },
  { title: 'left', deps: [1], actions: [] },
  { title: 'right', deps: [1], actions: [] },
];

describe('specloop done', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir('specloop-done-');
    cleanups.push(t.cleanup);
    const r = makeRemote(t.dir, PLAN);
    const env = { SPECLOOP_HOME: t.dir };
    const cli = (args: string[], cwd: string) => runCli(args, { cwd, env });
    return { ...r, cli };
  };
  const commit = (dir: string, file: string, text: string, msg = `work on ${file}`) => {
    writeFileSync(join(dir, file), text);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', msg);
    return git(dir, 'rev-parse', 'HEAD');
  };

  it('tests and integrates a person’s commits with the tick and trailer, then drops the claim', async () => {
    const { bare, clone, cli } = setup();
    const alice = clone('alice');
    await cli(['claim', '1'], alice);
    const mine = commit(alice, 'out/base.txt', 'base\n');
    const r = await cli(['done', '1'], alice);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^step 1 integrated as [0-9a-f]{7} on origin\/main\n$/);
    expect(stepTrailers(bare, 'main')).toEqual([1]);
    expect(git(bare, 'rev-parse', 'main^')).toBe(mine);
    expect(git(bare, 'show', 'main:todo.md')).toContain('- [x] Step 1: base');
    expect(git(bare, 'for-each-ref', 'refs/specloop/')).toBe('');
    expect(git(alice, 'rev-parse', 'HEAD')).toBe(git(bare, 'rev-parse', 'main'));
    expect(r.stderr).toContain('your branch: fast-forwarded');
  });

  it('rebases onto work that landed meanwhile, and refuses a second integration of the same step', async () => {
    const { bare, clone, cli } = setup();
    const alice = clone('alice');
    const bob = clone('bob');
    commit(alice, 'out/base.txt', 'base\n');
    expect((await cli(['done', '1'], alice)).code).toBe(0);
    git(bob, 'pull', '-q', '--ff-only');
    commit(bob, 'out/right.txt', 'right\n');
    commit(alice, 'out/left.txt', 'left\n');
    expect((await cli(['done', '2'], alice)).code).toBe(0);
    const r = await cli(['done', '3'], bob);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('your branch: reset to the integrated commits');
    expect(stepTrailers(bare, 'main')).toEqual([1, 2, 3]);
    expect(git(bare, 'show', 'main:out/left.txt')).toBe('left');
    commit(bob, 'out/again.txt', 'again\n');
    const again = await cli(['done', '3'], bob);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('step 3 is already integrated');
  });

  it('red tests: exit 1 with the output, nothing pushed', async () => {
    const { bare, clone, cli } = setup();
    const alice = clone('alice');
    const before = git(bare, 'rev-parse', 'main');
    commit(alice, 'out/base.txt', 'BROKEN\n');
    const r = await cli(['done', '1'], alice);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the tests fail on your commits for step 1');
    expect(r.stderr).toContain('found BROKEN');
    expect(git(bare, 'rev-parse', 'main')).toBe(before);
  });

  it('a conflict with the team branch: exit 1 naming the file', async () => {
    const { clone, cli } = setup();
    const alice = clone('alice');
    const bob = clone('bob');
    commit(alice, 'out/base.txt', 'alice\n');
    expect((await cli(['done', '1'], alice)).code).toBe(0);
    commit(bob, 'out/base.txt', 'bob\n');
    const r = await cli(['done', '2', '--force'], bob);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('conflict with origin/main in out/base.txt');
  });

  it('nothing committed, or uncommitted changes: exit 2', async () => {
    const { clone, cli } = setup();
    const alice = clone('alice');
    expect((await cli(['done', '1'], alice)).stderr).toContain('no commits on top of origin/main');
    writeFileSync(join(alice, 'check.sh'), 'exit 0\n');
    const r = await cli(['done', '1'], alice);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uncommitted changes');
  });

  it('someone else’s live claim is respected unless --force', async () => {
    const { clone, cli } = setup();
    const alice = clone('alice');
    await cli(['claim', '1'], clone('bob'));
    commit(alice, 'out/base.txt', 'base\n');
    const r = await cli(['done', '1'], alice);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step 1 is claimed by bob@/);
    expect((await cli(['done', '1', '--force'], alice)).code).toBe(0);
  });
});
