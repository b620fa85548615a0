import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    return { ...r, cli, dir: t.dir };
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
  it('release --force wins against a lease renewal that lands between its read and its delete', async () => {
    const { bare, clone, cli, dir } = setup();
    const alice = clone('alice');
    await cli(['claim', '1'], alice);
    // A `git` in front of the real one: the first time release deletes the claim ref, the
    // holder's run renews it on the remote just before (the race a live run causes).
    const bin = join(dir, 'shim');
    mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const ref = 'refs/specloop/claims/prompt_plan/1';
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh
case "$*" in *" :${ref}"*)
  if [ ! -e "${bin}/renewed" ]; then
    : > "${bin}/renewed"
    old=$("${real}" --git-dir="${bare}" rev-parse ${ref})
    new=$(GIT_COMMITTER_DATE="2001-01-01T00:00:00Z" "${real}" --git-dir="${bare}" commit-tree "$old^{tree}" -m "$("${real}" --git-dir="${bare}" log -1 --format=%B "$old")")
    "${real}" --git-dir="${bare}" update-ref ${ref} "$new" "$old"
  fi;;
esac
exec "${real}" "$@"
`,
    );
    chmodSync(join(bin, 'git'), 0o755);
    const r = await runCli(['team', 'release', '1', '--force'], {
      cwd: clone('bob'),
      env: { SPECLOOP_HOME: dir, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('released step 1 (was claimed by alice@');
    expect(existsSync(join(bin, 'renewed'))).toBe(true);
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/')).toBe('');
  });
});
