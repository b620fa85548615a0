import type { Context } from '../context.js';
import { currentBranch, type GitOptions, resolveCommit, tryGit } from '../git/index.js';
import { runErrors } from '../run/index.js';
import { type Claim, decodeClaim, pushRefused, readClaimRefs, seenClaimsPrefix } from './claims.js';

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
  o: GitOptions & { remote: string; branch: string; planId: string },
): Promise<RemoteState> {
  const g: GitOptions = { env: o.env, signal: o.signal };
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
  let r = await tryGit(repo, [...base, claimsSpec, branchSpec], g);
  let hasBranch = true;
  if (!r.ok && /couldn't find remote ref/i.test(r.stderr)) {
    hasBranch = false;
    r = await tryGit(repo, [...base, claimsSpec], g);
  }
  if (!r.ok) throw pushRefused(o.remote, r.stderr);
  if (!hasBranch) await tryGit(repo, ['update-ref', '-d', tipRef], g);
  const tip = hasBranch ? await resolveCommit(repo, tipRef, g) : undefined;
  return { tip, tipRef, claims: await readClaimRefs(repo, seen, g) };
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
  const g = { env: ctx.env };
  const remote = o.remote ?? ctx.config.team.remote;
  const url = await tryGit(repoRoot, ['remote', 'get-url', remote], g);
  if (!url.ok) throw pushRefused(remote, url.stderr);
  const branch =
    o.integrationBranch ?? ctx.config.team.integrationBranch ?? (await trackedBranch(repoRoot, remote, g));
  if (!branch) throw runErrors.detachedHead('there is no branch to integrate the steps on');
  return { remote, branch };
}

/**
 * The remote state WITHOUT writing a ref (for `--dry-run`): tips from ls-remote, objects
 * fetched with an empty refmap, so refs/, FETCH_HEAD and the seen-claims mirror stay as they were.
 */
export async function peekRemoteState(
  repo: string,
  o: GitOptions & { remote: string; branch: string; planId: string },
): Promise<RemoteState> {
  const g: GitOptions = { env: o.env, signal: o.signal };
  const claimsPrefix = `refs/specloop/claims/${o.planId}/`;
  const ls = await tryGit(repo, ['ls-remote', o.remote, `refs/heads/${o.branch}`, `${claimsPrefix}*`], g);
  if (!ls.ok) throw pushRefused(o.remote, ls.stderr);
  const refs = ls.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string]);
  const tip = refs.find(([, r]) => r === `refs/heads/${o.branch}`)?.[0];
  const wanted = refs.map(([, r]) => r);
  if (wanted.length) {
    const f = await tryGit(
      repo,
      [
        '-c',
        'gc.auto=0',
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--refmap=',
        o.remote,
        ...wanted,
      ],
      g,
    );
    if (!f.ok) throw pushRefused(o.remote, f.stderr);
  }
  const claims = new Map<number, Claim>();
  for (const [sha, ref] of refs) {
    if (!ref.startsWith(claimsPrefix)) continue;
    const step = Number(ref.slice(claimsPrefix.length));
    const msg = await tryGit(repo, ['log', '-1', '--format=%B', sha], g);
    const c = decodeClaim(msg.stdout, sha);
    if (c) claims.set(step, c);
  }
  return { tip, tipRef: trackingRef(o.remote, o.branch), claims };
}

/**
 * The branch on `remote` that the checked-out branch tracks (a local `wip` tracking
 * `origin/main` works on `main`), else the checked-out branch's own name.
 */
async function trackedBranch(repoRoot: string, remote: string, g: GitOptions): Promise<string | undefined> {
  const local = await currentBranch(repoRoot, g);
  if (!local) return undefined;
  const up = await tryGit(repoRoot, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], g);
  const name = up.stdout.trim();
  return up.ok && name.startsWith(`${remote}/`) ? name.slice(remote.length + 1) : local;
}
