import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { blockedSteps, readySteps } from '../plan/index.js';
import type { PlanSource } from '../run/index.js';
import { type Claim, isExpired, leaseDeadline } from './claims.js';
import { fetchRemoteState, type RemoteState, resolveRemote } from './remote-state.js';
import { type PlanSetup, planSetupFrom } from './team-setup.js';
import { viewAt } from './view.js';

/** One step as the team sees it. */
export interface StepStatus {
  step: number;
  title: string;
  state: 'done' | 'claimed' | 'ready' | 'blocked';
  /** done: the commit with the trailer, and its author. */
  commit?: string;
  author?: string;
  /** claimed (or an expired claim on a ready/blocked step): who and since when. */
  claim?: {
    holder: string;
    host: string;
    kind: 'bot' | 'human';
    /** Seconds since the claim was last renewed (the lease's age). */
    leaseAgeSeconds: number;
    /** Seconds until it expires (negative: expired, anyone may take it over). */
    expiresInSeconds: number;
    expired: boolean;
  };
  /** blocked: the steps it waits for. */
  waitingOn?: number[];
}

export interface TeamStatus {
  remote: string;
  branch: string;
  planId: string;
  tip: string;
  steps: StepStatus[];
  counts: Record<StepStatus['state'], number>;
}

/** The plan (loaded once, by the run core) and where the team shares it. */
export interface TeamTarget {
  src: PlanSource;
  remote?: string;
  integrationBranch?: string;
}

/** The plan, remote and fetched remote state a team command starts from. */
export async function loadTeamState(
  ctx: Context,
  o: TeamTarget,
): Promise<PlanSetup & { remote: string; branch: string; state: RemoteState & { tip: string } }> {
  const p = planSetupFrom(o.src);
  const { remote, branch } = await resolveRemote(ctx, p.repoRoot, o);
  const state = await fetchRemoteState(p.repoRoot, {
    env: ctx.env,
    remote,
    branch,
    planId: p.planId,
    signal: ctx.signal,
  });
  if (!state.tip)
    throw new UsageError(`${remote} has no branch ${branch} yet`, {
      code: 'E_NO_BRANCH',
      hint: '`specloop run --team` publishes it, or push it yourself (`git push -u origin HEAD`)',
    });
  return { ...p, remote, branch, state: { ...state, tip: state.tip } };
}

/** `specloop team status`: every step — done (commit, author), claimed (who, lease age), ready, blocked. */
export async function teamStatus(ctx: Context, o: TeamTarget): Promise<TeamStatus> {
  const t = await loadTeamState(ctx, o);
  const v = await viewAt(t.repoRoot, {
    env: ctx.env,
    rev: t.state.tip,
    planId: t.planId,
    todoPath: t.todoPath,
  });
  const now = ctx.clock.now();
  const ready = new Set(readySteps(t.plan, v.done));
  const blocked = new Map(blockedSteps(t.plan, v.done).map((b) => [b.step, b.waitingOn]));
  const steps = t.plan.steps.map((s): StepStatus => {
    const base = { step: s.number, title: s.title };
    const d = v.doneInfo.get(s.number);
    if (v.done.has(s.number)) return { ...base, state: 'done', commit: d?.commit, author: d?.author };
    const c = t.state.claims.get(s.number);
    const claim = c ? describeClaim(c, now) : undefined;
    if (claim && !claim.expired) return { ...base, state: 'claimed', claim };
    if (ready.has(s.number)) return { ...base, state: 'ready', claim };
    return { ...base, state: 'blocked', waitingOn: blocked.get(s.number) ?? [], claim };
  });
  const counts = { done: 0, claimed: 0, ready: 0, blocked: 0 };
  for (const s of steps) counts[s.state] += 1;
  return { remote: t.remote, branch: t.branch, planId: t.planId, tip: t.state.tip, steps, counts };
}

function describeClaim(c: Claim, now: number): NonNullable<StepStatus['claim']> {
  return {
    holder: c.holder,
    host: c.host,
    kind: c.kind,
    leaseAgeSeconds: Math.max(0, Math.round((now - c.renewedAt) / 1000)),
    expiresInSeconds: Math.round((leaseDeadline(c) - now) / 1000),
    expired: isExpired(c, now),
  };
}

/** Seconds as `45 s`, `12 min`, `3 h 5 min`. */
export function humanSeconds(s: number): string {
  const a = Math.abs(s);
  if (a < 90) return `${a} s`;
  if (a < 5400) return `${Math.round(a / 60)} min`;
  const h = Math.floor(a / 3600);
  const m = Math.round((a % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The status as a table for people (stdout). */
export function renderStatus(st: TeamStatus): string {
  const head = `${st.remote}/${st.branch} at ${st.tip.slice(0, 7)} · plan ${st.planId} · ${st.steps.length} step${st.steps.length === 1 ? '' : 's'}: ${st.counts.done} done, ${st.counts.claimed} claimed, ${st.counts.ready} ready, ${st.counts.blocked} blocked`;
  const width = Math.min(40, Math.max(...st.steps.map((s) => s.title.length)));
  const rows = st.steps.map((s) => {
    const title = s.title.length > width ? `${s.title.slice(0, width - 1)}…` : s.title.padEnd(width);
    let detail = '';
    if (s.state === 'done')
      detail = s.commit ? `${s.commit.slice(0, 7)} by ${s.author}` : 'ticked in todo.md';
    else if (s.claim) {
      const who = `${s.claim.holder}@${s.claim.host}${s.claim.kind === 'human' ? ' (by hand)' : ''}`;
      detail = s.claim.expired
        ? `lease of ${who} expired ${humanSeconds(s.claim.expiresInSeconds)} ago`
        : `${who}, lease renewed ${humanSeconds(s.claim.leaseAgeSeconds)} ago, expires in ${humanSeconds(s.claim.expiresInSeconds)}`;
    }
    if (s.state === 'blocked')
      detail = [`waiting on ${s.waitingOn?.join(', ')}`, detail].filter(Boolean).join('; ');
    return `${String(s.step).padStart(3)}  ${s.state.padEnd(8)} ${title}  ${detail}`.trimEnd();
  });
  return `${head}\n${rows.join('\n')}\n`;
}
