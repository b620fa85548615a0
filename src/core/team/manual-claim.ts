import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type Claim, claimBy, dropClaim, isExpired, leaseDeadline, swapClaim } from './claims.js';
import { resolveIdentity } from './identity.js';
import { humanSeconds, loadTeamState, type TeamTarget } from './status.js';
import { requireStep } from './team-setup.js';
import { viewAt } from './view.js';

/** A person's claim: long, since nobody renews it while they work by hand. */
export const HUMAN_LEASE_SECONDS = 8 * 3600;

export interface ClaimResult {
  step: number;
  holder: string;
  host: string;
  /** ms since epoch. */
  expiresAt: number;
  /** True when the person already held it and the lease was extended. */
  renewed: boolean;
  /** The expired claim this one replaced. */
  tookOverFrom?: string;
  /** Dependencies not integrated yet (allowed, but worth a warning). */
  waitingOn: number[];
}

const who = (c: Pick<Claim, 'holder' | 'host'>) => `${c.holder}@${c.host}`;

/** `specloop claim N`: reserve a step for a person (compare-and-swap on the claim ref). */
export async function claimStep(
  ctx: Context,
  o: TeamTarget & { step: number; name?: string; leaseSeconds?: number },
): Promise<ClaimResult> {
  const t = await loadTeamState(ctx, o);
  requireStep(t.plan, o.step);
  const me = await resolveIdentity(ctx, t.repoRoot, o.name);
  const g = { env: ctx.env };
  const v = await viewAt(t.repoRoot, { ...g, rev: t.state.tip, planId: t.planId, todoPath: t.todoPath });
  const landed = v.doneInfo.get(o.step);
  if (v.done.has(o.step))
    throw new UsageError(
      `step ${o.step} is already integrated${landed ? ` (${landed.commit.slice(0, 7)} by ${landed.author})` : ''}`,
      { code: 'E_STEP_DONE', hint: 'pick another step: `specloop team status`' },
    );
  const now = ctx.clock.now();
  const old = t.state.claims.get(o.step);
  const mineAlready = old?.holder === me.name;
  if (old && !mineAlready && !isExpired(old, now))
    throw new UsageError(
      `step ${o.step} is claimed by ${who(old)} (lease renewed ${humanSeconds(Math.round((now - old.renewedAt) / 1000))} ago)`,
      {
        code: 'E_CLAIMED',
        hint: `pick another step (\`specloop team status\`), or ask them to \`specloop team release ${o.step}\``,
      },
    );
  const info = claimBy(me, {
    step: o.step,
    planId: t.planId,
    kind: 'human',
    claimedAt: mineAlready && old ? old.claimedAt : now,
    renewedAt: now,
    leaseSeconds: o.leaseSeconds ?? HUMAN_LEASE_SECONDS,
  });
  const r = await swapClaim(t.repoRoot, t.remote, info, old?.sha, g);
  if (!r.ok)
    throw new UsageError(`someone claimed step ${o.step} a moment ago`, {
      code: 'E_CLAIMED',
      hint: 'see who: `specloop team status`',
    });
  const waitingOn =
    t.plan.steps.find((s) => s.number === o.step)?.dependsOn.filter((d) => !v.done.has(d)) ?? [];
  return {
    step: o.step,
    holder: me.name,
    host: me.host,
    expiresAt: leaseDeadline(info),
    renewed: mineAlready,
    tookOverFrom: old && !mineAlready ? who(old) : undefined,
    waitingOn,
  };
}

export interface ReleaseResult {
  step: number;
  /** Who held the claim that was removed. */
  holder: string;
}

/** `specloop team release N`: give a claim back. Someone else's live claim needs `force`. */
export async function releaseStep(
  ctx: Context,
  o: TeamTarget & { step: number; name?: string; force?: boolean },
): Promise<ReleaseResult> {
  // Why a loop: the holder's run renews its lease every few seconds, and each renewal moves
  // the claim ref, so a compare-and-swap against the claim read a moment ago can lose. Read
  // again and re-check who holds it; the bound keeps a claim that changes nonstop an error.
  let released: Claim | undefined;
  for (let attempt = 1; ; attempt++) {
    const t = await loadTeamState(ctx, o);
    requireStep(t.plan, o.step);
    const c = t.state.claims.get(o.step);
    if (!c) {
      if (released) return { step: o.step, holder: who(released) };
      throw new UsageError(`step ${o.step} is not claimed`, {
        code: 'E_NOT_CLAIMED',
        hint: 'see `specloop team status`',
      });
    }
    const me = await resolveIdentity(ctx, t.repoRoot, o.name);
    if (c.holder !== me.name && !isExpired(c, ctx.clock.now()) && !o.force)
      throw new UsageError(`step ${o.step} is claimed by ${who(c)}, not by ${me.name}`, {
        code: 'E_NOT_YOURS',
        hint: `ask them, or pass --force if their run is gone (it stops at its next lease renewal)`,
      });
    const r = await dropClaim(t.repoRoot, t.remote, c, { env: ctx.env });
    if (r.ok) return { step: o.step, holder: who(c) };
    released = c;
    if (attempt >= RELEASE_TRIES)
      throw new UsageError(`the claim on step ${o.step} changed while releasing it, ${RELEASE_TRIES} times`, {
        hint: 'look again: `specloop team status`',
      });
  }
}

/** How often `release` reads the claim again after losing a race with a lease renewal. */
const RELEASE_TRIES = 5;
