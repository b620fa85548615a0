import { basename, relative, sep } from 'node:path';
import type { Plan } from '../plan/index.js';
import type { PendingReview } from '../review/index.js';
import type { RunControl } from '../run-control.js';
import type { LandedStep, PlanSource, TeamStatus } from './core-adapter.js';
import type { JournalView } from './journal-view.js';
import { type BoardState, type Card, COLUMNS, type Column, type StepRecords } from './types.js';

/** Everything the board state is computed from; gathered by the server, pure from here on. */
export interface Sources {
  src: Pick<PlanSource, 'repoRoot' | 'plan' | 'planId' | 'planPath'>;
  landed: Map<number, LandedStep>;
  journal: JournalView;
  /** Run records per step (`.specloop/runs/`): the newest attempt and the sums over all. */
  attempts: Map<number, StepRecords>;
  /** Steps with a worktree in `.specloop/worktrees/<plan>/` (a `--parallel` / `--team` run's steps). */
  worktrees?: number[];
  /** The live run's pid (its run id ends with it). */
  livePid?: number;
  team?: TeamStatus & { fetchedAt: string; landed: Map<number, LandedStep> };
  teamError?: string;
  control: RunControl;
  /** Steps waiting at the review gate of a live run (`.specloop/review/`). */
  reviews?: Map<number, PendingReview>;
  /** Whether a run holds the repository's run lock (false: a journal step in flight was interrupted). */
  runAlive?: boolean;
  maxAttempts: number;
  branch?: string;
  now: number;
  warnings?: string[];
}

/**
 * When each card entered its current column. The sources only know some of these times
 * (a commit's date, a step's start), so the board remembers the moment it saw a change.
 */
export class ColumnClock {
  private seen = new Map<number, { column: Column; since: string }>();
  since(step: number, column: Column, known: string | undefined, now: number): string {
    const prev = this.seen.get(step);
    if (prev?.column === column) return prev.since;
    const since = prev ? new Date(now).toISOString() : (known ?? new Date(now).toISOString());
    this.seen.set(step, { column, since });
    return since;
  }
}

const RUNNING_PHASES = new Set(['executing', 'checking', 'committing', 'landing']);
const REVIEW_PHASES = new Set(['review', 'awaiting-review', 'reviewing']);

/** The board: one card per step, in the column its state puts it. */
export function computeState(s: Sources, clock: ColumnClock): BoardState {
  const teamDone = s.team?.landed ?? new Map<number, LandedStep>();
  const landedSet = new Set([...s.landed.keys(), ...teamDone.keys()]);
  const history = new Map<number, JournalView['history']>();
  for (const h of s.journal.history) history.set(h.step, [...(history.get(h.step) ?? []), h]);
  // A step "in flight" in the journal of a run that is gone was interrupted: not running.
  const active =
    s.journal.active && !(s.runAlive === false && RUNNING_PHASES.has(s.journal.active.phase))
      ? s.journal.active
      : undefined;
  const interrupted = s.journal.active && !active ? s.journal.active.step : undefined;
  // A --parallel / --team run keeps no journal: its steps in flight are its worktrees while
  // it is alive (a solo run, which has the journal's active step, has none of its own).
  const worktrees = s.runAlive === true && !active ? new Set(s.worktrees ?? []) : new Set<number>();
  const liveRunId = s.livePid ? `-${s.livePid}` : undefined;
  const cards = s.src.plan.steps.map((step): Card => {
    const n = step.number;
    const hist = history.get(n) ?? [];
    const last = hist.at(-1);
    const records = s.attempts.get(n);
    const rec = records?.last;
    const liveRec = liveRunId && rec?.runId.endsWith(liveRunId) ? rec : undefined;
    // Attempts exhausted: the worktree is kept for the user, the step is not in flight (until
    // a later run's attempt is recorded; nothing says sooner that a run took it up again).
    const exhausted = (r: typeof rec) => r?.ok === false && !r.stoppedRun && r.attempt >= s.maxAttempts;
    const waitingOn = step.dependsOn.filter((d) => !landedSet.has(d));
    const inWorktree = worktrees.has(n) && !waitingOn.length && !exhausted(liveRec ?? rec);
    const teamStep = s.team?.steps.find((t) => t.step === n);
    const claim = teamStep?.claim;
    const local = s.landed.get(n);
    const remote = teamDone.get(n);
    const pending = s.reviews?.get(n);
    // What the landing commit says the step's attempts used (any clone's run wrote it).
    const landedUsage = local?.usage ?? remote?.usage;
    let column: Column;
    let known: string | undefined;
    if (local || remote) {
      column = 'landed';
      known = local?.at ?? remote?.at;
    } else if (pending) {
      column = 'review';
      known = pending.since;
    } else if (active?.step === n && REVIEW_PHASES.has(active.phase)) {
      column = 'review';
      known = active.startedAt;
    } else if (active?.step === n && RUNNING_PHASES.has(active.phase)) {
      column = 'running';
      known = active.startedAt;
    } else if (claim && !claim.expired) {
      column = 'running';
      known = new Date(s.now - claim.leaseAgeSeconds * 1000).toISOString();
    } else if (inWorktree) {
      column = 'running';
    } else if (
      (active?.step === n && active.phase === 'failed') ||
      last?.ok === false ||
      (!last && exhausted(rec))
    ) {
      column = 'failed';
      known = last?.at;
    } else column = waitingOn.length ? 'blocked' : 'ready';
    const running = active?.step === n && column !== 'landed';
    const card: Card = {
      step: n,
      title: step.title,
      column,
      dependsOn: step.dependsOn,
      waitingOn,
      since: clock.since(n, column, known, s.now),
    };
    if (claim) card.holder = { name: claim.holder, ...claim };
    if (pending && column === 'review') card.review = cardReview(pending);
    // Only a running card has a phase: at the review gate the journal still holds the phase
    // that led there (`checking`), but the step waits for a person, which the column says.
    if (running && column === 'running') card.phase = active.phase;
    // In a worktree: the attempt after the live run's last rejected one, or the one now landing.
    const worktreeAttempt =
      inWorktree && column === 'running'
        ? liveRec
          ? liveRec.ok === false
            ? liveRec.attempt + 1
            : liveRec.attempt
          : 1
        : undefined;
    if (worktreeAttempt !== undefined && !running) card.phase = liveRec?.ok ? 'landing' : 'executing';
    const k =
      pending && column === 'review'
        ? pending.attempt
        : running
          ? active.attempt
          : (worktreeAttempt ??
            last?.attempts ??
            (column !== 'ready' && column !== 'blocked' ? rec?.attempt : undefined) ??
            (column === 'landed' && landedUsage?.attempts ? landedUsage.attempts : undefined));
    if (k) card.attempt = { k, n: s.maxAttempts };
    // The test command's own result and time (the attempt may fail for other reasons).
    const testOk = rec?.testCode !== undefined ? rec.testCode === 0 : rec?.ok;
    if (rec && testOk !== undefined)
      card.lastTest =
        rec.testDurationMs !== undefined ? { ok: testOk, durationMs: rec.testDurationMs } : { ok: testOk };
    else if (last) card.lastTest = { ok: last.ok };
    if (card.review?.test)
      card.lastTest = { ok: card.review.test.ok, durationMs: card.review.test.durationMs };
    if (hist.length) {
      card.tokens = {
        input: hist.reduce((a, h) => a + (h.inputTokens || 0), 0),
        output: hist.reduce((a, h) => a + (h.outputTokens || 0), 0),
      };
      card.cost = hist.reduce((a, h) => a + (h.cost || 0), 0);
    } else if (records && (records.total.input || records.total.output || records.total.cost)) {
      // A --parallel / --team run keeps no journal history: its run records have the usage.
      card.tokens = { input: records.total.input, output: records.total.output };
      card.cost = records.total.cost;
    } else if (column === 'landed' && landedUsage) {
      // Nothing of it here (a teammate's run, another clone): the landing commit's trailers.
      if (landedUsage.tokens) card.tokens = { ...landedUsage.tokens };
      if (landedUsage.cost !== undefined) card.cost = landedUsage.cost;
      card.usageFrom = 'commit';
    }
    const reason =
      (n === interrupted && column !== 'landed'
        ? 'interrupted: the run stopped during this step; `specloop run` picks it up'
        : undefined) ??
      (running ? active.reason : undefined) ??
      (column === 'failed' ? (last?.reason ?? rec?.reason) : undefined);
    if (reason) card.reason = reason;
    const l = local?.commit ? local : (remote ?? local);
    if (column === 'landed')
      card.landed = { commit: l?.commit, author: l?.author, at: l?.at, subject: l?.subject };
    return card;
  });
  const counts = Object.fromEntries(COLUMNS.map((c) => [c, 0])) as Record<Column, number>;
  for (const c of cards) counts[c.column] += 1;
  return {
    project: {
      name: basename(s.src.repoRoot),
      repoRoot: s.src.repoRoot,
      planPath: relative(s.src.repoRoot, s.src.planPath).split(sep).join('/'),
      planId: s.src.planId,
      branch: s.branch,
    },
    generatedAt: new Date(s.now).toISOString(),
    cards,
    counts,
    criticalPath: criticalPath(s.src.plan, landedSet),
    frontier: cards.filter((c) => c.column === 'ready').map((c) => c.step),
    team: s.team
      ? {
          remote: s.team.remote,
          branch: s.team.branch,
          tip: s.team.tip,
          fetchedAt: s.team.fetchedAt,
          error: s.teamError,
        }
      : undefined,
    run: {
      // A step waiting for review is not "running": the run waits for a person.
      active:
        active && RUNNING_PHASES.has(active.phase) && !s.reviews?.has(active.step) ? active.step : undefined,
      phase: active?.phase,
      paused: s.control.paused,
      pausedBy: s.control.by,
    },
    warnings: [...(s.warnings ?? []), ...(s.teamError ? [`team remote: ${s.teamError}`] : [])],
  };
}

/** What a card shows of a pending review (the diff itself only on the step page). */
export function cardReview(p: PendingReview): NonNullable<Card['review']> {
  return {
    id: p.id,
    attempt: p.attempt,
    since: p.since,
    stat: p.stat,
    test: p.test && { ok: p.test.ok, command: p.test.command, durationMs: p.test.durationMs },
    terminal: p.terminal,
  };
}

/** The longest chain of steps not landed yet, first step first (what bounds the remaining wall time). */
export function criticalPath(plan: Plan, landed: ReadonlySet<number>): number[] {
  const byNumber = new Map(plan.steps.map((s) => [s.number, s]));
  const memo = new Map<number, { len: number; prev?: number }>();
  const depth = (n: number): number => {
    const m = memo.get(n);
    if (m) return m.len;
    memo.set(n, { len: 1 }); // a cycle cannot occur (the plan parser refuses them); this guards anyway
    let best: { len: number; prev?: number } = { len: 1 };
    for (const d of byNumber.get(n)?.dependsOn ?? []) {
      if (landed.has(d) || !byNumber.has(d)) continue;
      const l = depth(d) + 1;
      if (l > best.len) best = { len: l, prev: d };
    }
    memo.set(n, best);
    return best.len;
  };
  let end: number | undefined;
  let max = 0;
  for (const s of plan.steps) {
    if (landed.has(s.number)) continue;
    const l = depth(s.number);
    if (l > max) [max, end] = [l, s.number];
  }
  const path: number[] = [];
  for (let n = end; n !== undefined; n = memo.get(n)?.prev) path.unshift(n);
  return path;
}
