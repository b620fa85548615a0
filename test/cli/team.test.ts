import { describe, expect, it } from 'vitest';
import { claimRef, swapRemoteRef, writeClaimCommit } from '../../src/core/team/claims.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { type FixtureStep, makeRemote } from '../support/team-fixtures.js';

const PLAN: FixtureStep[] = [
  { title: 'base', actions: ['WRITE out/base.txt base'] },
  { title: 'left', deps: [1], actions: ['WRITE out/left.txt left'] },
  { title: 'right', deps: [1], actions: ['WRITE out/right.txt right'] },
  { title: 'join', deps: [2, 3], actions: ['WRITE out/join.txt join'] },
];

describe('specloop team status / release', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir('specloop-teamcli-');
    cleanups.push(t.cleanup);
    const r = makeRemote(t.dir, PLAN);
    const alice = r.clone('alice');
    const env = { SPECLOOP_HOME: t.dir };
    const cli = (args: string[], cwd = alice) => runCli(args, { cwd, env });
    return { ...r, alice, cli };
  };
  /** Land step 1 on the remote by hand, with the trailers a run writes. */
  const landStepOne = (dir: string) => {
    git(
      dir,
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'step 1: base\n\nSpecloop-Step: 1\nSpecloop-Plan: prompt_plan',
    );
    git(dir, 'push', '-q', 'origin', 'HEAD:main');
    return git(dir, 'rev-parse', 'HEAD');
  };
  const claim = async (dir: string, step: number, holder: string, ageSeconds = 0, leaseSeconds = 300) => {
    const at = Date.now() - ageSeconds * 1000;
    const sha = await writeClaimCommit(
      dir,
      {
        step,
        planId: 'prompt_plan',
        holder,
        host: 'box',
        pid: 1,
        kind: 'bot',
        claimedAt: at,
        renewedAt: at,
        leaseSeconds,
      },
      { env: process.env },
    );
    await swapRemoteRef(dir, 'origin', claimRef('prompt_plan', step), undefined, sha, { env: process.env });
  };

  it('shows every step: done with commit and author, claimed with lease age, ready, blocked', async () => {
    const { alice, cli } = setup();
    const sha = landStepOne(alice);
    await claim(alice, 2, 'bob', 12);
    const r = await cli(['team', 'status']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toContain('origin/main');
    expect(lines[0]).toContain('1 done, 1 claimed, 1 ready, 1 blocked');
    expect(lines[1]).toMatch(new RegExp(`1\\s+done\\s+base\\s+${sha.slice(0, 7)} by Test`)); // test/support's git() commits as Test
    expect(lines[2]).toMatch(/2\s+claimed\s+left\s+bob@box, lease renewed 1\d s ago, expires in \d+ min/);
    expect(lines[3]).toMatch(/3\s+ready\s+right/);
    expect(lines[4]).toMatch(/4\s+blocked\s+join\s+waiting on 2, 3/);
    // Bare `specloop team` shows the same table.
    expect((await cli(['team'])).stdout.split('\n')[0]).toBe(lines[0]);
  });

  it('--json gives the same picture as data', async () => {
    const { alice, cli } = setup();
    landStepOne(alice);
    await claim(alice, 3, 'carol', 400, 60);
    const r = await cli(['team', 'status', '--json']);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'ready', 'ready', 'blocked']);
    expect(st.steps[0]).toMatchObject({ author: 'Test', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(st.steps[2].claim).toMatchObject({ holder: 'carol', expired: true });
  });

  it('release removes your own claim and refuses someone else’s live one without --force', async () => {
    const { alice, bare, cli } = setup();
    await claim(alice, 1, 'alice');
    await claim(alice, 2, 'bob');
    expect((await cli(['team', 'release', '1'])).stdout).toContain(
      'released step 1 (was claimed by alice@box)',
    );
    const refused = await cli(['team', 'release', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('claimed by bob@box');
    expect((await cli(['team', 'release', '2', '--force'])).code).toBe(0);
    expect(git(bare, 'for-each-ref', 'refs/specloop/')).toBe('');
  });

  it('release of an unclaimed step or an unknown step exits 2', async () => {
    const { cli } = setup();
    expect((await cli(['team', 'release', '1'])).stderr).toContain('step 1 is not claimed');
    const r = await cli(['team', 'release', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no step 9');
  });

  it('a missing remote exits 2 with git’s message', async () => {
    const { cli } = setup();
    const r = await cli(['team', 'status', '--remote', 'upstream']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No such remote 'upstream'/i);
  });
});
