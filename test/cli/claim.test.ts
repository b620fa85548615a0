import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { type FixtureStep, makeRemote } from '../support/team-fixtures.js';

const PLAN: FixtureStep[] = [
  { title: 'base', actions: [] },
  { title: 'next', deps: [1], actions: [] },
];

describe('specloop claim', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir('specloop-claim-');
    cleanups.push(t.cleanup);
    const r = makeRemote(t.dir, PLAN);
    const env = { SPECLOOP_HOME: t.dir };
    const cli = (args: string[], cwd: string) => runCli(args, { cwd, env });
    return { ...r, cli };
  };

  it('reserves a step on the remote for a person; teammates see it claimed', async () => {
    const { bare, clone, cli } = setup();
    const alice = clone('alice');
    const r = await cli(['claim', '1', '--lease', '2h'], alice);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^step 1 is now yours \(alice@.+\) until \d{4}-\d\d-\d\d \d\d:\d\d UTC\n$/);
    expect(r.stderr).toContain('specloop done 1');
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/')).toBe(
      'refs/specloop/claims/prompt_plan/1',
    );
    const st = JSON.parse((await cli(['team', 'status', '--json'], clone('bob'))).stdout);
    expect(st.steps[0]).toMatchObject({ state: 'claimed', claim: { holder: 'alice', kind: 'human' } });
    expect(st.steps[0].claim.expiresInSeconds).toBeGreaterThan(7000);
  });

  it('claiming again extends your own claim; someone else’s claim is refused with exit 2', async () => {
    const { clone, cli } = setup();
    const alice = clone('alice');
    await cli(['claim', '1'], alice);
    expect((await cli(['claim', '1'], alice)).stdout).toContain('is still yours');
    const r = await cli(['claim', '1'], clone('bob'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step 1 is claimed by alice@/);
    expect(r.stderr).toContain('specloop team release 1');
  });

  it('warns when the step waits on steps not integrated yet', async () => {
    const { clone, cli } = setup();
    const r = await cli(['claim', '2', '--json'], clone('alice'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ step: 2, holder: 'alice', waitingOn: [1] });
    expect(r.stderr).toContain('warning: step 2 depends on 1');
  });

  it('bad input exits 2: not a number, unknown step, bad duration', async () => {
    const { clone, cli } = setup();
    const alice = clone('alice');
    expect((await cli(['claim', 'x'], alice)).code).toBe(2);
    expect((await cli(['claim', '7'], alice)).stderr).toContain('no step 7');
    expect((await cli(['claim', '1', '--lease', 'soon'], alice)).stderr).toContain('not a duration');
  });
});
