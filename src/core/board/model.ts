import { hostname } from 'node:os';
import type { Context } from '../context.js';
import { pendingReviews, readPendingReview } from '../review/index.js';
import { readRunControl } from '../run-control.js';
import {
  commitDiff,
  currentBranch,
  hasTeamRemote,
  landedSteps,
  type PlanSource,
  planLoader,
  teamSnapshot,
} from './core-adapter.js';
import { liveRun, readJournalView, worktreeSteps } from './journal-view.js';
import { allAttempts, stepAttempts, stepRecords } from './run-records.js';
import { ColumnClock, computeState, type Sources } from './state.js';
import { runCalls, teamView } from './team-view.js';
import type { BoardState, StepDetail, TeamView } from './types.js';

/**
 * The board's live model: gathers the sources (plan, git, journal, run records, run control,
 * and — fetched less often — the team remote), computes the state, and remembers the last
 * one so every page gets the same snapshot.
 */
export class BoardModel {
  private clock = new ColumnClock();
  private team?: Sources['team'];
  private teamError?: string;
  private teamMode?: boolean;
  private current?: BoardState;
  /** Every recorded attempt's metadata, as of the last refresh (the team view's cost chart). */
  private records: Awaited<ReturnType<typeof allAttempts>> = [];
  private readonly startedAt: string;
  private readonly plan: () => Promise<PlanSource>;

  constructor(
    private readonly ctx: Context,
    private readonly opts: { from?: string } = {},
  ) {
    this.startedAt = new Date(ctx.clock.now()).toISOString();
    this.plan = planLoader(ctx, opts);
  }

  get state(): BoardState | undefined {
    return this.current;
  }

  /** Recompute from the local sources (cheap: a few git calls and file reads). */
  async refresh(): Promise<BoardState> {
    const src = await this.plan();
    const [landed, journal, records, control, branch, live, reviews] = await Promise.all([
      landedSteps(this.ctx, src),
      readJournalView(src.repoRoot, src.planId),
      allAttempts(src.repoRoot),
      readRunControl(src.repoRoot),
      currentBranch(this.ctx, src.repoRoot),
      liveRun(src.repoRoot, hostname()),
      pendingReviews(src.repoRoot, src.planId),
    ]);
    this.records = records;
    this.current = computeState(
      {
        src,
        landed,
        journal,
        attempts: stepRecords(records),
        worktrees: worktreeSteps(src.repoRoot, src.planId),
        livePid: live.pid,
        control,
        reviews,
        branch,
        runAlive: live.alive,
        team: this.team,
        teamError: this.teamError,
        maxAttempts: this.ctx.config.run.maxAttempts,
        now: this.ctx.clock.now(),
      },
      this.clock,
    );
    return this.current;
  }

  /**
   * Fetch the team remote (claim refs + integration branch). A repository without the
   * team remote is a solo board: nothing to fetch. A failing fetch keeps the last good
   * snapshot and shows the error.
   */
  async fetchTeam(): Promise<void> {
    const src = await this.plan();
    this.teamMode ??= await hasTeamRemote(this.ctx, src.repoRoot);
    if (!this.teamMode) return;
    try {
      this.team = {
        ...(await teamSnapshot(this.ctx, { ...this.opts, src })),
        fetchedAt: new Date(this.ctx.clock.now()).toISOString(),
      };
      this.teamError = undefined;
    } catch (err) {
      this.teamError = (err as Error).message.split('\n')[0];
    }
  }

  /** Everything the step page shows. */
  async stepDetail(n: number): Promise<StepDetail | undefined> {
    const state = this.current ?? (await this.refresh());
    const card = state.cards.find((c) => c.step === n);
    if (!card) return undefined;
    const src = await this.plan();
    const step = src.plan.steps.find((s) => s.number === n);
    const attempts = await stepAttempts(src.repoRoot, n);
    const diff = card.landed?.commit
      ? await commitDiff(this.ctx, src.repoRoot, card.landed.commit)
      : undefined;
    const pending = card.review ? await readPendingReview(src.repoRoot, src.planId, n) : undefined;
    const review =
      card.review && pending?.id === card.review.id
        ? { ...card.review, diff: pending.diff, testOutput: pending.test?.output }
        : undefined;
    return { card, prompt: step?.prompt ?? '', context: step?.context ?? '', attempts, diff, review };
  }

  /** Members, per-member steps, and the cost/throughput series. */
  async teamView(): Promise<TeamView> {
    const state = this.current ?? (await this.refresh());
    // This checkout's run records hold every executor's usage and cost (per project); the
    // call log (per user, builtin model calls only) stands in for runs older than the records.
    const spent = this.records
      .filter((a) => a.startedAt)
      .map((a) => ({
        t: (Date.parse(a.startedAt as string) + (a.durationMs ?? 0)) / 1000,
        cost: a.cost ?? 0,
        input: a.inputTokens ?? 0,
        output: a.outputTokens ?? 0,
      }));
    if (spent.length) return teamView(state, spent, 'attempts');
    const firstLanded = state.cards
      .map((c) => c.landed?.at)
      .filter((t): t is string => Boolean(t))
      .sort()[0];
    const since = firstLanded && firstLanded < this.startedAt ? firstLanded : this.startedAt;
    let calls: Awaited<ReturnType<typeof runCalls>> = [];
    try {
      calls = await runCalls(this.ctx, new Date(Date.parse(since) - 24 * 3600e3).toISOString());
    } catch {}
    return teamView(state, calls, 'calls');
  }
}
