import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type Claim, pushRefused, readClaimRefs, seenClaimsPrefix } from './claims.js';
import { currentBranch, resolveCommit, tryGit } from './git.js';

/** What the remote holds for one plan: the integration branch tip and the live claim refs. */
export interface RemoteState {
  /** Tip of the remote integration branch, undefined when the branch does not exist there. */
  tip?: string;
  /** Local name of the fetched tip (`refs/remotes/<remote>/<branch>`). */
  tipRef: string;
  claims: Map<number, Claim>;
}

/** Local tracking ref of the remote integration branch. */
export function trackingRef(remote: string, branch: string): string {
  return `refs/remotes/${remote}/${branch}`;
}

/**
 * One fetch brings the integration branch and every claim of the plan (pruning claims
 * that were deleted), so the snapshot is consistent with the objects we have locally.
 * An unreachable remote is a usage error carrying git's message.
 */
export async function fetchRemoteState(
  repo: string,
  o: { remote: string; branch: string; planId: string; signal?: AbortSignal },
): Promise<RemoteState> {
  const seen = seenClaimsPrefix(o.remote, o.planId);
  const claimsSpec = `+refs/specloop/claims/${o.planId}/*:${seen}/*`;
  const tipRef = trackingRef(o.remote, o.branch);
  const branchSpec = `+refs/heads/${o.branch}:${tipRef}`;
  // No auto-gc: it could pack refs while our worktrees update theirs (lock errors).
  const base = [
    '-c',
    'gc.auto=0',
    '-c',
    'maintenance.auto=false',
    'fetch',
    '--quiet',
    '--prune',
    '--no-tags',
    '--no-write-fetch-head',
    o.remote,
  ];
  let r = await tryGit(repo, [...base, claimsSpec, branchSpec], { signal: o.signal });
  let hasBranch = true;
  if (!r.ok && /couldn't find remote ref/i.test(r.stderr)) {
    hasBranch = false;
    r = await tryGit(repo, [...base, claimsSpec], { signal: o.signal });
  }
  if (!r.ok) throw pushRefused(o.remote, r.stderr);
  if (!hasBranch) await tryGit(repo, ['update-ref', '-d', tipRef]);
  const tip = hasBranch ? await resolveCommit(repo, tipRef) : undefined;
  return { tip, tipRef, claims: await readClaimRefs(repo, seen) };
}

/**
 * The team remote (it must exist: exit 2 with git's message) and the integration branch:
 * explicit, else config `team.integrationBranch`, else what the current branch tracks there.
 */
export async function resolveRemote(
  ctx: Context,
  repoRoot: string,
  o: { remote?: string; integrationBranch?: string },
): Promise<{ remote: string; branch: string }> {
  const remote = o.remote ?? ctx.config.team.remote;
  const url = await tryGit(repoRoot, ['remote', 'get-url', remote]);
  if (!url.ok) throw pushRefused(remote, url.stderr);
  const branch =
    o.integrationBranch ?? ctx.config.team.integrationBranch ?? (await trackedBranch(repoRoot, remote));
  if (!branch)
    throw new UsageError('HEAD is detached: there is no branch to integrate the steps on', {
      hint: 'switch to the team branch, or set team.integrationBranch',
    });
  return { remote, branch };
}

/**
 * The branch on `remote` that the checked-out branch tracks (a local `wip` tracking
 * `origin/main` works on `main`), else the checked-out branch's own name.
 */
async function trackedBranch(repoRoot: string, remote: string): Promise<string | undefined> {
  const local = await currentBranch(repoRoot);
  if (!local) return undefined;
  const up = await tryGit(repoRoot, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  const name = up.stdout.trim();
  return up.ok && name.startsWith(`${remote}/`) ? name.slice(remote.length + 1) : local;
}
