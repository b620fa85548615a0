import { UsageError } from '../errors.js';
import { emptyTree, type GitOptions, git, gitLine, tryGit } from '../git/index.js';

/**
 * Claims live on the shared remote as `refs/specloop/claims/<plan-id>/<step>`, each pointing
 * at a small commit (empty tree) whose message records who holds the step and until when.
 * Every change is a compare-and-swap push (`--force-with-lease=<ref>:<expected>`): creating
 * expects the ref to be absent, renewing / taking over / releasing expect the value we read.
 * The remote's ref transaction makes the swap atomic, so two claimers can never both win.
 */
export interface ClaimInfo {
  step: number;
  planId: string;
  /** Person or bot name. */
  holder: string;
  host: string;
  pid: number;
  kind: 'bot' | 'human';
  /** When the step was first claimed (ms since epoch, holder's clock). */
  claimedAt: number;
  /** Last renewal (ms since epoch, holder's clock). */
  renewedAt: number;
  leaseSeconds: number;
}

/** A claim as read from the remote: its content plus the commit the ref points at. */
export interface Claim extends ClaimInfo {
  sha: string;
}

export const CLAIMS_PREFIX = 'refs/specloop/claims';

/** The claim ref of one step on the remote. */
export function claimRef(planId: string, step: number): string {
  return `${CLAIMS_PREFIX}/${planId}/${step}`;
}

/** Where claims are mirrored locally after a fetch (never pushed). */
export function seenClaimsPrefix(remote: string, planId: string): string {
  return `refs/specloop/seen/${remote}/${planId}`;
}

/**
 * Lease expiry allows a little clock skew between machines. A skewed reader that takes a
 * live claim over only costs duplicate work: the holder notices on its next renewal and
 * stops, and landing is exactly-once by trailer anyway.
 */
export function leaseDeadline(c: Pick<ClaimInfo, 'renewedAt' | 'leaseSeconds'>): number {
  const lease = c.leaseSeconds * 1000;
  return c.renewedAt + lease + Math.min(5000, lease * 0.1);
}

export function isExpired(c: Pick<ClaimInfo, 'renewedAt' | 'leaseSeconds'>, now: number): boolean {
  return now > leaseDeadline(c);
}

const SUBJECT = 'specloop claim';

/** Commit message of a claim: a subject a human can read, then the JSON record. */
export function encodeClaim(info: ClaimInfo): string {
  return `${SUBJECT}: step ${info.step} of ${info.planId} by ${info.holder}@${info.host}\n\n${JSON.stringify(info)}\n`;
}

/** Parse a claim commit's message; undefined for anything that is not ours. */
export function decodeClaim(message: string, sha: string): Claim | undefined {
  if (!message.startsWith(SUBJECT)) return undefined;
  const body = message.slice(message.indexOf('\n\n') + 2).trim();
  try {
    const v = JSON.parse(body) as Partial<ClaimInfo>;
    if (typeof v.step !== 'number' || typeof v.holder !== 'string' || typeof v.renewedAt !== 'number')
      return undefined;
    return {
      step: v.step,
      planId: String(v.planId ?? ''),
      holder: v.holder,
      host: String(v.host ?? '?'),
      pid: Number(v.pid ?? 0),
      kind: v.kind === 'human' ? 'human' : 'bot',
      claimedAt: Number(v.claimedAt ?? v.renewedAt),
      renewedAt: v.renewedAt,
      leaseSeconds: Number(v.leaseSeconds ?? 300),
      sha,
    };
  } catch {
    return undefined;
  }
}

/** Write a claim commit into the local object store (nothing is pushed yet). */
export async function writeClaimCommit(repo: string, info: ClaimInfo, g: GitOptions): Promise<string> {
  const tree = await emptyTree(repo, g);
  // A fixed identity: the clone may have no user.name configured, and the holder is in the body anyway.
  const ident = { GIT_AUTHOR_NAME: info.holder, GIT_AUTHOR_EMAIL: 'specloop@localhost' };
  return gitLine(repo, ['commit-tree', tree, '-m', encodeClaim(info)], {
    ...g,
    extraEnv: { ...ident, GIT_COMMITTER_NAME: info.holder, GIT_COMMITTER_EMAIL: 'specloop@localhost' },
  });
}

/** Who makes a claim (a person or a run): name, host and process. */
export type Claimant = { name: string; host: string; pid: number };

/** The claim `me` makes on a step; `claimedAt` is kept over renewals, `renewedAt` is now. */
export function claimBy(
  me: Claimant,
  o: Pick<ClaimInfo, 'step' | 'planId' | 'kind' | 'claimedAt' | 'renewedAt' | 'leaseSeconds'>,
): ClaimInfo {
  return { ...o, holder: me.name, host: me.host, pid: me.pid };
}

/**
 * Claim, renew or take over a step in one compare-and-swap: write the claim commit, then move
 * the step's claim ref from `expected` (the claim read before; undefined: none) to it. The
 * only way a claim is ever made, by a person (`specloop claim`) or by a team run.
 */
export async function swapClaim(
  repo: string,
  remote: string,
  info: ClaimInfo,
  expected: string | undefined,
  g: GitOptions,
  swap: (ref: string, expected: string | undefined, next: string) => Promise<SwapResult> = (ref, e, n) =>
    swapRemoteRef(repo, remote, ref, e, n, g),
): Promise<{ ok: true; claim: Claim } | { ok: false; current?: string; message: string }> {
  const sha = await writeClaimCommit(repo, info, g);
  const r = await swap(claimRef(info.planId, info.step), expected, sha);
  return r.ok ? { ok: true, claim: { ...info, sha } } : r;
}

/** Give a claim back: delete the step's claim ref if it still points at `c` (compare-and-swap). */
export function dropClaim(
  repo: string,
  remote: string,
  c: Pick<Claim, 'planId' | 'step' | 'sha'>,
  g: GitOptions,
  swap: (ref: string, expected: string | undefined, next: undefined) => Promise<SwapResult> = (ref, e, n) =>
    swapRemoteRef(repo, remote, ref, e, n, g),
): Promise<SwapResult> {
  return swap(claimRef(c.planId, c.step), c.sha, undefined);
}

/** Outcome of one compare-and-swap on a claim ref. */
export type SwapResult = { ok: true } | { ok: false; current?: string; message: string };

/**
 * Compare-and-swap the remote ref `ref` from `expected` (undefined = must not exist) to
 * `next` (undefined = delete). A lost race returns `{ok: false, current}`; anything else
 * git refuses (no such remote, no push rights, a hook) throws a UsageError with git's words.
 */
export async function swapRemoteRef(
  repo: string,
  remote: string,
  ref: string,
  expected: string | undefined,
  next: string | undefined,
  opts: GitOptions,
): Promise<SwapResult> {
  const spec = `${next ?? ''}:${ref}`;
  const r = await tryGit(
    repo,
    ['push', '--porcelain', '--quiet', `--force-with-lease=${ref}:${expected ?? ''}`, remote, spec],
    opts,
  );
  if (r.ok) return { ok: true };
  const now = await remoteRefValue(repo, remote, ref, opts);
  if (now !== expected) return { ok: false, current: now, message: r.stderr.trim() };
  // The ref is as we expected, yet the push failed: not a race but a refusal.
  throw pushRefused(remote, r.stderr || r.stdout);
}

/** The remote's current value of one ref (ls-remote), undefined when absent. */
export async function remoteRefValue(
  repo: string,
  remote: string,
  ref: string,
  opts: GitOptions,
): Promise<string | undefined> {
  const r = await tryGit(repo, ['ls-remote', remote, ref], opts);
  if (!r.ok) throw pushRefused(remote, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line ? line.split('\t')[0] : undefined;
}

/** Exit 2 with git's own message: the remote is missing, unreachable or refuses our pushes. */
export function pushRefused(remote: string, gitMessage: string): UsageError {
  const msg = gitMessage
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('To ') && l !== 'Done')
    .join('\n  ');
  return new UsageError(`team mode needs a remote you can push to; git says about \`${remote}\`:\n  ${msg}`, {
    code: 'E_REMOTE',
    hint: `check \`git remote -v\` and your push rights, or pick another remote with --remote NAME (config team.remote)`,
  });
}

/** Read the claim commits mirrored under `prefix` (after a fetch) → step → claim. */
export async function readClaimRefs(
  repo: string,
  prefix: string,
  g: GitOptions,
): Promise<Map<number, Claim>> {
  const out = await git(
    repo,
    ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(contents)%00%00', `${prefix}/`],
    g,
  );
  const claims = new Map<number, Claim>();
  for (const rec of out.split('\0\0')) {
    const [refname, sha, message] = rec.replace(/^\n/, '').split('\0');
    if (!refname || !sha) continue;
    const step = Number(refname.slice(prefix.length + 1));
    const c = decodeClaim(message ?? '', sha);
    // A ref we cannot read is still someone's claim: treat it as held by "unknown", leased from now.
    claims.set(step, c ?? unreadableClaim(step, sha));
  }
  return claims;
}

function unreadableClaim(step: number, sha: string): Claim {
  return {
    step,
    planId: '',
    holder: 'unknown',
    host: '?',
    pid: 0,
    kind: 'bot',
    claimedAt: 0,
    renewedAt: 0,
    leaseSeconds: 0,
    sha,
  };
}
