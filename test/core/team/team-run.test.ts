import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimRef, swapRemoteRef, writeClaimCommit } from '../../../src/core/team/claims.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { git, tempDir } from '../../support/repo.js';
import {
  type FixtureStep,
  fakeExecute,
  makeRemote,
  stepTrailers,
  teamRun,
} from '../../support/team-fixtures.js';

const DAG: FixtureStep[] = [
  { title: 'base', actions: ['WRITE out/base.txt base'] },
  { title: 'a', deps: [1], actions: ['SLEEP 800', 'WRITE out/a.txt a'] },
  { title: 'b', deps: [1], actions: ['SLEEP 800', 'WRITE out/b.txt b'] },
  { title: 'c', deps: [1], actions: ['SLEEP 100', 'APPEND out/log.txt c'] },
  { title: 'd', deps: [1], actions: ['SLEEP 100', 'APPEND out/log.txt d'] },
  { title: 'join', deps: [2, 3, 4, 5], actions: ['WRITE out/join.txt join'] },
];

describe('run --team (in-process members, stand-in executor)', () => {
  const cleanups = useCleanups();
  const setup = (steps: FixtureStep[]) => {
    const t = tempDir('specloop-team-');
    cleanups.push(t.cleanup);
    return { root: t.dir, ...makeRemote(t.dir, steps) };
  };
  const member = (dir: string, name: string, extra: Record<string, unknown> = {}) => {
    const ctx = makeTestContext({ cwd: dir });
    const opts = {
      testCommand: 'sh check.sh',
      name,
      leaseSeconds: 5,
      ...extra,
    };
    return { ctx, run: () => teamRun(ctx, opts, { execute: fakeExecute() }) };
  };

  it('three members share a DAG: every step lands exactly once and no claim is left', async () => {
    const { root, bare, clone } = setup(DAG);
    const names = ['alice', 'bob', 'carol'];
    const members = names.map((n) => member(clone(n), n));
    const results = await Promise.all(members.map((m) => m.run()));
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    expect([...stepTrailers(bare, 'main')].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(git(bare, 'for-each-ref', 'refs/specloop/')).toBe('');
    const check = clone('checker');
    expect(execFileSync('sh', ['check.sh'], { cwd: check, encoding: 'utf8' })).toContain('ok');
    expect(git(check, 'show', 'HEAD:todo.md')).not.toContain('[ ]');
    // Who did what is visible in the authors of the step commits.
    const authors = new Set(git(bare, 'log', '--format=%an', '--grep=Specloop-Step', 'main').split('\n'));
    expect([...authors].every((a) => names.includes(a))).toBe(true);
    expect(root).toBeTruthy();
  });

  it('an expired claim of a vanished teammate is taken over, with a message', async () => {
    const { clone } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const dir = clone('alice');
    const stale = await writeClaimCommit(
      dir,
      {
        step: 1,
        planId: 'prompt_plan',
        holder: 'ghost',
        host: 'elsewhere',
        pid: 1,
        kind: 'bot',
        claimedAt: Date.now() - 60_000,
        renewedAt: Date.now() - 60_000,
        leaseSeconds: 2,
      },
      { env: process.env },
    );
    await swapRemoteRef(dir, 'origin', claimRef('prompt_plan', 1), undefined, stale, { env: process.env });
    const m = member(dir, 'alice');
    const r = await m.run();
    expect(r.exitCode).toBe(0);
    expect(m.ctx.err()).toMatch(/step 1: taking over from ghost@elsewhere: their lease expired \d+ s ago/);
  });

  it('waits for a live claim of a teammate instead of taking the step', async () => {
    const { bare, clone } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const dir = clone('alice');
    const live = await writeClaimCommit(
      dir,
      {
        step: 1,
        planId: 'prompt_plan',
        holder: 'bob',
        host: 'elsewhere',
        pid: 1,
        kind: 'human',
        claimedAt: Date.now(),
        renewedAt: Date.now(),
        leaseSeconds: 3600,
      },
      { env: process.env },
    );
    await swapRemoteRef(dir, 'origin', claimRef('prompt_plan', 1), undefined, live, { env: process.env });
    const ac = new AbortController();
    const ctx = makeTestContext({ cwd: dir, signal: ac.signal });
    const opts = {
      testCommand: 'sh check.sh',
      name: 'alice',
    };
    setTimeout(() => ac.abort(), 1500);
    const err = await teamRun(ctx, opts, { execute: fakeExecute() }).catch((e) => e);
    expect(err?.name).toBe('InterruptedError');
    expect(stepTrailers(bare, 'main')).toEqual([]);
    expect(git(bare, 'rev-parse', claimRef('prompt_plan', 1))).toBe(live);
  });

  it('a member whose claim is released under it stops that step and does not land it', async () => {
    const { bare, clone } = setup([{ title: 'slow', actions: ['SLEEP 1500', 'WRITE out/slow.txt slow'] }]);
    const dir = clone('alice');
    const m = member(dir, 'alice', { leaseSeconds: 1 });
    const running = m.run();
    const ref = claimRef('prompt_plan', 1);
    let sha = '';
    for (let i = 0; i < 100 && !sha; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sha = git(bare, 'for-each-ref', '--format=%(objectname)', ref);
    }
    await swapRemoteRef(dir, 'origin', ref, sha, undefined, { env: process.env });
    const r = await running;
    expect(r.exitCode).toBe(1);
    expect(r.outcomes[0]).toMatchObject({
      step: 1,
      status: 'skipped',
      reason: 'the claim on step 1 was released',
    });
    expect(stepTrailers(bare, 'main')).toEqual([]);
  });

  it('no push rights: exit 2 with git’s message', async () => {
    const { bare, clone } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "alice may not push here" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const err = await member(clone('alice'), 'alice')
      .run()
      .catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('alice may not push here');
  });

  it('no such remote: exit 2 with git’s message', async () => {
    const { clone } = setup([{ title: 'only', actions: [] }]);
    const err = await member(clone('alice'), 'alice', { remote: 'upstream' })
      .run()
      .catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/No such remote 'upstream'/i);
  });
});
