import type { GitOptions } from '../git/index.js';
import {
  type Claim,
  type ClaimInfo,
  claimBy,
  dropClaim,
  isExpired,
  leaseDeadline,
  swapClaim,
  swapRemoteRef,
} from './claims.js';
import type { Coordinator } from './coordinator.js';
import { type Identity, pidAlive } from './identity.js';
import { Mutex, sleep } from './mutex.js';
import { fetchRemoteState } from './remote-state.js';
import { viewAt } from './view.js';

export interface RemoteCoordinatorOptions extends GitOptions {
  repoRoot: string;
  remote: string;
  branch: string;
  planId: string;
  todoPath?: string;
  me: Identity;
  leaseSeconds: number;
  say: (t: string) => void;
  now?: () => number;
}

/** A bot claim of mine left by a process that is gone (same name and host, dead pid): adopt it at once. */
export function isMyLeftover(c: Claim, me: Identity): boolean {
  return (
    c.kind === 'bot' && c.holder === me.name && c.host === me.host && c.pid !== me.pid && !pidAlive(c.pid)
  );
}

/**
 * `--team`: the integration branch and the claims live on the remote. Steps are claimed
 * with a compare-and-swap push before work starts, the lease is renewed every third of
 * its length while working, expired claims are taken over, and landing is a
 * fast-forward-only push that expects the tip the step was rebased onto.
 */
export function remoteCoordinator(o: RemoteCoordinatorOptions): Coordinator {
  const now = o.now ?? Date.now;
  const g: GitOptions = { env: o.env };
  const net = new Mutex(); // one git network operation at a time in this clone (shared ref locks)
  const mine = new Map<number, Claim>();
  /** A renewal in flight per step: release waits for it, or it could re-create the claim after we deleted it. */
  const inflight = new Map<number, Promise<void>>();
  let claims = new Map<number, Claim>();
  // A remote that was fine at the start and fails now is probably a network hiccup: retry a little.
  const fetch = async () => {
    for (let i = 1; ; i++) {
      try {
        return await net.run(() => fetchRemoteState(o.repoRoot, o));
      } catch (err) {
        if (i >= 3) throw err;
        o.say(
          `fetching from ${o.remote} failed (${(err as Error).message.split('\n')[1]?.trim() ?? 'error'}); retrying`,
        );
        await sleep(1000 * i);
      }
    }
  };
  const swap = (ref: string, expected: string | undefined, next: string | undefined) =>
    net.run(() => swapRemoteRef(o.repoRoot, o.remote, ref, expected, next, g));
  const mustTip = (tip: string | undefined) => {
    if (!tip) throw new Error(`${o.remote}/${o.branch} disappeared`);
    return tip;
  };
  const info = (step: number, claimedAt: number): ClaimInfo =>
    claimBy(o.me, {
      step,
      planId: o.planId,
      kind: 'bot',
      claimedAt,
      renewedAt: now(),
      leaseSeconds: o.leaseSeconds,
    });
  const claim = (next: ClaimInfo, expected: string | undefined) =>
    swapClaim(o.repoRoot, o.remote, next, expected, g, swap);
  const available = (c: Claim) => isExpired(c, now()) || isMyLeftover(c, o.me);

  return {
    mode: 'team',
    branch: o.branch,
    pollMs: Math.max(200, Math.min(2000, (o.leaseSeconds * 1000) / 4)),
    async refresh() {
      const rs = await fetch();
      claims = rs.claims;
      const tip = mustTip(rs.tip);
      const v = await viewAt(o.repoRoot, { ...g, rev: tip, planId: o.planId, todoPath: o.todoPath });
      for (const [step, c] of claims) {
        if (!v.done.has(step) || mine.has(step)) continue;
        // A claim on a step that already landed only confuses `team status`: remove it.
        const r = await dropClaim(o.repoRoot, o.remote, c, g, swap);
        if (r.ok)
          o.say(`step ${step}: removed the leftover claim of ${c.holder} (the step is already integrated)`);
      }
      const heldByOthers = new Set(
        [...claims.values()].filter((c) => !mine.has(c.step) && !available(c)).map((c) => c.step),
      );
      return { ...v, heldByOthers };
    },
    async acquire(step) {
      const old = claims.get(step);
      if (old && !available(old)) return false;
      const r = await claim(info(step, now()), old?.sha);
      if (!r.ok) return false;
      mine.set(step, r.claim);
      if (old && isMyLeftover(old, o.me))
        o.say(`step ${step}: resuming my own claim left by a stopped run (pid ${old.pid})`);
      else if (old) {
        const ago = Math.max(0, Math.round((now() - leaseDeadline(old)) / 1000));
        o.say(`step ${step}: taking over from ${old.holder}@${old.host}: their lease expired ${ago} s ago`);
      } else o.say(`step ${step}: claimed by ${o.me.name}@${o.me.host}`);
      return true;
    },
    hold(step, onLost) {
      let stopped = false;
      const renew = async () => {
        const cur = mine.get(step);
        if (!cur) return;
        try {
          const r = await claim(info(step, cur.claimedAt), cur.sha);
          if (r.ok) mine.set(step, r.claim);
          else {
            mine.delete(step);
            if (!stopped) {
              stopped = true;
              onLost(
                r.current
                  ? `lost the claim on step ${step} to a teammate`
                  : `the claim on step ${step} was released`,
              );
            }
          }
        } catch (err) {
          o.say(`step ${step}: could not renew the lease: ${(err as Error).message}`);
        }
      };
      // Renew at a third of the lease: two renewals in a row may fail (a network hiccup)
      // before teammates see the claim as expired. A renewal that finds the ref changed means
      // someone took or released the step: stop at once (onLost) — landing would be refused
      // anyway (exactly once by trailer), this only saves the wasted work.
      const timer = setInterval(
        () => {
          if (stopped || inflight.has(step)) return;
          const p = renew().finally(() => inflight.delete(step));
          inflight.set(step, p);
        },
        Math.max(100, (o.leaseSeconds * 1000) / 3),
      );
      timer.unref();
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    },
    async currentTip() {
      return mustTip((await fetch()).tip);
    },
    async publish(commit, expected) {
      const r = await swap(`refs/heads/${o.branch}`, expected, commit);
      return r.ok;
    },
    async release(step) {
      await inflight.get(step);
      const cur = mine.get(step);
      if (!cur) return;
      mine.delete(step);
      await dropClaim(o.repoRoot, o.remote, cur, g, swap);
    },
  };
}
