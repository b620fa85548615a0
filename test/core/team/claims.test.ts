import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  type ClaimInfo,
  claimRef,
  decodeClaim,
  encodeClaim,
  isExpired,
  readClaimRefs,
  remoteRefValue,
  swapRemoteRef,
  writeClaimCommit,
} from '../../../src/core/team/claims.js';
import { fetchRemoteState } from '../../../src/core/team/remote-state.js';

const G = { env: process.env };

import { useCleanups } from '../../support/cleanups.js';
import { tempDir } from '../../support/repo.js';
import { makeRemote } from '../../support/team-fixtures.js';

const info = (over: Partial<ClaimInfo> = {}): ClaimInfo => ({
  step: 2,
  planId: 'prompt_plan',
  holder: 'alice',
  host: 'box',
  pid: 42,
  kind: 'bot',
  claimedAt: 1000,
  renewedAt: 2000,
  leaseSeconds: 60,
  ...over,
});

describe('claims on a bare remote', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir('specloop-claims-');
    cleanups.push(t.cleanup);
    const r = makeRemote(t.dir, [{ title: 'one', actions: [] }]);
    return { ...r, a: r.clone('alice'), b: r.clone('bob') };
  };
  const ref = claimRef('prompt_plan', 2);

  it('round-trips a claim through its commit message', () => {
    const c = decodeClaim(encodeClaim(info()), 'abc');
    expect(c).toEqual({ ...info(), sha: 'abc' });
    expect(decodeClaim('some other commit\n\n{}', 'x')).toBeUndefined();
  });

  it('a lease expires only after its length plus a small skew allowance', () => {
    expect(isExpired(info({ renewedAt: 0, leaseSeconds: 10 }), 10_000)).toBe(false);
    expect(isExpired(info({ renewedAt: 0, leaseSeconds: 10 }), 11_001)).toBe(true);
  });

  it('creating a claim that exists already loses and reports the holder', async () => {
    const { a, b } = setup();
    const shaA = await writeClaimCommit(a, info(), G);
    expect(await swapRemoteRef(a, 'origin', ref, undefined, shaA, G)).toEqual({ ok: true });
    const shaB = await writeClaimCommit(b, info({ holder: 'bob' }), G);
    const lost = await swapRemoteRef(b, 'origin', ref, undefined, shaB, G);
    expect(lost).toMatchObject({ ok: false, current: shaA });
    expect(await remoteRefValue(b, 'origin', ref, G)).toBe(shaA);
  });

  it('of many concurrent claimers exactly one wins', async () => {
    const { a, b } = setup();
    const shas = await Promise.all(
      Array.from({ length: 8 }, (_, i) => writeClaimCommit(i % 2 ? a : b, info({ holder: `bot${i}` }), G)),
    );
    const results = await Promise.all(
      shas.map((s, i) => swapRemoteRef(i % 2 ? a : b, 'origin', ref, undefined, s, G)),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [shas[i]] : []));
    expect(winners).toHaveLength(1);
    expect(await remoteRefValue(a, 'origin', ref, G)).toBe(winners[0]);
  });

  it('takes over and releases only with the value it read (compare-and-swap)', async () => {
    const { a, b } = setup();
    const old = await writeClaimCommit(a, info(), G);
    await swapRemoteRef(a, 'origin', ref, undefined, old, G);
    const mine = await writeClaimCommit(b, info({ holder: 'bob' }), G);
    expect((await swapRemoteRef(b, 'origin', ref, 'f'.repeat(40), mine, G)).ok).toBe(false);
    expect((await swapRemoteRef(b, 'origin', ref, old, mine, G)).ok).toBe(true);
    expect((await swapRemoteRef(a, 'origin', ref, old, undefined, G)).ok).toBe(false);
    expect((await swapRemoteRef(b, 'origin', ref, mine, undefined, G)).ok).toBe(true);
    expect(await remoteRefValue(a, 'origin', ref, G)).toBeUndefined();
  });

  it('fetches claims with their content and prunes deleted ones', async () => {
    const { a, b } = setup();
    const sha = await writeClaimCommit(a, info({ step: 1 }), G);
    await swapRemoteRef(a, 'origin', claimRef('prompt_plan', 1), undefined, sha, G);
    let rs = await fetchRemoteState(b, { ...G, remote: 'origin', branch: 'main', planId: 'prompt_plan' });
    expect(rs.tip).toMatch(/^[0-9a-f]{40}$/);
    expect(rs.claims.get(1)).toMatchObject({ holder: 'alice', sha });
    await swapRemoteRef(a, 'origin', claimRef('prompt_plan', 1), sha, undefined, G);
    rs = await fetchRemoteState(b, { ...G, remote: 'origin', branch: 'main', planId: 'prompt_plan' });
    expect(rs.claims.size).toBe(0);
    expect((await readClaimRefs(b, 'refs/specloop/seen/origin/prompt_plan', G)).size).toBe(0);
  });

  it('a remote that refuses pushes is a usage error carrying git’s message', async () => {
    const { bare, a } = setup();
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "permission denied to alice" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const sha = await writeClaimCommit(a, info(), G);
    const err = await swapRemoteRef(a, 'origin', ref, undefined, sha, G).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('permission denied to alice');
  });

  it('a missing remote is a usage error naming it', async () => {
    const { a } = setup();
    const err = await fetchRemoteState(a, { ...G, remote: 'nowhere', branch: 'main', planId: 'p' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('nowhere');
  });
});
