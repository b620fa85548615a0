import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { git, writeFiles } from '../support/repo.js';
import { type FixtureStep, makeRemote, stepTrailers } from '../support/team-fixtures.js';
import { startMcp, textOf } from './mcp-client.js';

const PLAN: FixtureStep[] = [
  { title: 'base', actions: [] },
  { title: 'next', deps: [1], actions: [] },
];
const claims = (bare: string) => git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/');

describe('specloop mcp in team mode (a bare remote, clones per person)', () => {
  const cleanups = useCleanups();
  const team = () => makeRemote(cleanups.tmp('specloop-mcp-team-'), PLAN);

  it('claim_step creates the claim ref on the remote; a teammate is refused; release_step removes it', async () => {
    const { bare, clone } = team();
    const alice = await startMcp(cleanups, clone('alice'));
    const r = await alice.call('claim_step', { step: 1, leaseMinutes: 90 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toMatch(/^step 1 is now yours \(alice@.+\) until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(r.structuredContent).toMatchObject({ step: 1, holder: 'alice', renewed: false });
    expect(claims(bare)).toBe('refs/specloop/claims/prompt_plan/1');

    const bob = await startMcp(cleanups, clone('bob'));
    const refused = await bob.call('claim_step', { step: 1 });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /^error: step 1 is claimed by alice@.+\nhint: .*specloop team release 1/s,
    );
    expect(refused.structuredContent).toMatchObject({ error: { code: 'E_CLAIMED' } });

    const st = await bob.call('plan_status', { team: true });
    expect(st.structuredContent).toMatchObject({
      remote: 'origin',
      steps: [{ step: 1, state: 'claimed', claim: { holder: 'alice' } }, { step: 2 }],
    });

    const released = await alice.call('release_step', { step: 1 });
    expect(textOf(released)).toMatch(/^released step 1 \(was held by alice@/);
    expect(claims(bare)).toBe('');
  });

  it('land_step with team integrates the working tree through the remote: trailer, tick, claim gone', async () => {
    const { bare, clone } = team();
    const dir = clone('alice');
    const s = await startMcp(cleanups, dir);
    expect((await s.call('claim_step', { step: 1 })).isError).toBeFalsy();
    writeFiles(dir, { 'out/base.txt': 'base done\n' });
    const r = await s.call('land_step', { step: 1, team: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      landed: true,
      branch: 'origin/main',
      changed: ['out/base.txt'],
    });
    expect(stepTrailers(bare, 'main')).toEqual([1]);
    expect(git(bare, 'show', 'main:todo.md')).toContain('- [x] Step 1: base');
    expect(git(bare, 'show', 'main:out/base.txt')).toBe('base done');
    expect(claims(bare)).toBe('');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a red tree is rejected before anything is committed or pushed', async () => {
    const { bare, clone } = team();
    const dir = clone('alice');
    const tip = git(bare, 'rev-parse', 'main');
    writeFiles(dir, { 'out/base.txt': 'BROKEN\n' });
    const r = await (await startMcp(cleanups, dir)).call('land_step', { step: 1, team: true });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('the test command failed');
    expect(textOf(r)).toContain('found BROKEN');
    expect(git(bare, 'rev-parse', 'main')).toBe(tip);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(tip);
  });
});
