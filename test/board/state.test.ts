import { describe, expect, it } from 'vitest';
import { ColumnClock, computeState, criticalPath, type Sources } from '../../src/core/board/index.js';
import { stepRecords } from '../../src/core/board/run-records.js';
import { teamView } from '../../src/core/board/team-view.js';
import type { AttemptRecord } from '../../src/core/board/types.js';
import { parsePlan } from '../../src/core/plan/index.js';
import { planText } from '../support/team-fixtures.js';

const plan = parsePlan(
  planText([
    { title: 'a', actions: [] },
    { title: 'b', deps: [1], actions: [] },
    { title: 'c', deps: [1], actions: [] },
    { title: 'd', deps: [2, 3], actions: [] },
    { title: 'e', deps: [4], actions: [] },
  ]),
);

const NOW = Date.parse('2026-12-01T12:00:00Z');
const base = (over: Partial<Sources> = {}): Sources => ({
  src: { repoRoot: '/r', plan, planId: 'prompt_plan', planPath: '/r/prompt_plan.md' },
  landed: new Map(),
  journal: { history: [] },
  attempts: new Map(),
  control: { paused: false },
  maxAttempts: 3,
  now: NOW,
  ...over,
});
const columns = (s: ReturnType<typeof computeState>) =>
  Object.fromEntries(s.cards.map((c) => [c.step, c.column]));

describe('board state', () => {
  it('a step waiting at the review gate is in Review with its question, attempt and test result', () => {
    const pending = {
      id: 'q1',
      planId: 'prompt_plan',
      step: 2,
      title: 'b',
      attempt: 2,
      pid: process.pid,
      host: 'h',
      since: '2026-12-01T11:58:00Z',
      terminal: false,
      stat: ' b.js | 1 +\n 1 file changed, 1 insertion(+)',
      diff: '+b\n',
      test: { ok: true, command: 'npm test', durationMs: 900, output: 'ok' },
    };
    const s = computeState(
      base({
        landed: new Map([[1, { step: 1, commit: 'abc1234' }]]),
        journal: {
          active: { step: 2, phase: 'checking', attempt: 2, startedAt: '2026-12-01T11:50:00Z' },
          history: [],
        },
        reviews: new Map([[2, pending]]),
      }),
      new ColumnClock(),
    );
    const two = s.cards[1];
    expect(two).toMatchObject({
      column: 'review',
      since: '2026-12-01T11:58:00Z',
      attempt: { k: 2, n: 3 },
      lastTest: { ok: true, durationMs: 900 },
      review: { id: 'q1', attempt: 2, terminal: false, test: { command: 'npm test' } },
    });
    // The journal's `checking` is how the step got to the gate, not what it is doing now.
    expect(two?.phase).toBeUndefined();
    // The card carries the summary only: the diff itself is on the step page.
    expect(JSON.stringify(two)).not.toContain('+b');
    expect(s.counts.review).toBe(1);
    expect(s.run.active).toBeUndefined();
  });

  it('puts each step in the column its state says', () => {
    const s = computeState(
      base({
        landed: new Map([[1, { step: 1, commit: 'abc1234', author: 'ann', at: '2026-12-01T11:00:00Z' }]]),
        journal: {
          active: { step: 2, phase: 'executing', attempt: 2, startedAt: '2026-12-01T11:59:00Z' },
          history: [
            {
              step: 3,
              sessionIds: [],
              ok: false,
              attempts: 3,
              reason: 'tests red',
              inputTokens: 10,
              outputTokens: 4,
              cost: 0.5,
              at: 'x',
            },
          ],
        },
      }),
      new ColumnClock(),
    );
    expect(columns(s)).toEqual({ 1: 'landed', 2: 'running', 3: 'failed', 4: 'blocked', 5: 'blocked' });
    const [one, two, three] = s.cards;
    expect(one?.landed).toMatchObject({ commit: 'abc1234', author: 'ann' });
    expect(two?.attempt).toEqual({ k: 2, n: 3 });
    expect(three).toMatchObject({ reason: 'tests red', cost: 0.5, tokens: { input: 10, output: 4 } });
    expect(s.counts).toMatchObject({ landed: 1, running: 1, failed: 1, blocked: 2, ready: 0 });
    expect(s.project.planPath).toBe('prompt_plan.md');
  });

  it('a step in flight in the journal of a run that is gone is not running, and says so', () => {
    const journal = {
      active: { step: 1, phase: 'executing', attempt: 1, startedAt: '2026-12-01T11:59:00Z' },
      history: [],
    };
    const alive = computeState(base({ journal, runAlive: true }), new ColumnClock());
    expect(columns(alive)[1]).toBe('running');
    const gone = computeState(base({ journal, runAlive: false }), new ColumnClock());
    expect(columns(gone)[1]).toBe('ready');
    expect(gone.cards[0]?.reason).toContain('interrupted');
    expect(gone.run.active).toBeUndefined();
  });

  it("a teammate's live claim is running; an expired one is not", () => {
    const claim = (expired: boolean) => ({
      holder: 'bob',
      host: 'h',
      kind: 'bot' as const,
      leaseAgeSeconds: 5,
      expiresInSeconds: expired ? -1 : 60,
      expired,
    });
    const team = (expired: boolean) => ({
      remote: 'origin',
      branch: 'main',
      planId: 'prompt_plan',
      tip: 'f'.repeat(40),
      fetchedAt: 'now',
      counts: { done: 0, claimed: 1, ready: 0, blocked: 0 },
      steps: [{ step: 1, title: 'a', state: 'claimed' as const, claim: claim(expired) }],
      landed: new Map(),
    });
    expect(columns(computeState(base({ team: team(false) }), new ColumnClock()))[1]).toBe('running');
    expect(columns(computeState(base({ team: team(true) }), new ColumnClock()))[1]).toBe('ready');
  });

  it('a --parallel / --team run here: its worktrees are running steps, its run records fill the cards', () => {
    const rec = (step: number, o: Partial<AttemptRecord> & { runId: string; attempt: number }) => ({
      step,
      files: [],
      ...o,
    });
    const attempts = stepRecords([
      rec(1, {
        runId: '20261201T110000-41',
        attempt: 1,
        ok: true,
        testCode: 0,
        testDurationMs: 340,
        inputTokens: 100,
        outputTokens: 20,
        cost: 0.01,
      }),
      rec(2, {
        runId: '20261201T115000-77',
        attempt: 1,
        ok: false,
        testCode: 1,
        testDurationMs: 900,
        inputTokens: 50,
        outputTokens: 10,
        cost: 0.02,
      }),
      rec(3, {
        runId: '20261201T115000-77',
        attempt: 1,
        ok: true,
        testCode: 0,
        inputTokens: 5,
        outputTokens: 1,
        cost: 0.005,
      }),
      rec(4, { runId: '20261201T100000-12', attempt: 3, ok: false, reason: 'tests red', testCode: 1 }),
    ]);
    const s = computeState(
      base({
        landed: new Map([[1, { step: 1, commit: 'abc1234' }]]),
        attempts,
        worktrees: [2, 3, 4],
        runAlive: true,
        livePid: 77,
      }),
      new ColumnClock(),
    );
    const [one, two, three, four] = s.cards;
    expect(one).toMatchObject({
      column: 'landed',
      attempt: { k: 1, n: 3 },
      lastTest: { ok: true, durationMs: 340 },
      tokens: { input: 100, output: 20 },
      cost: 0.01,
    });
    // Step 2's attempt 1 was rejected in the live run: attempt 2 is at work.
    expect(two).toMatchObject({
      column: 'running',
      attempt: { k: 2, n: 3 },
      phase: 'executing',
      lastTest: { ok: false, durationMs: 900 },
      cost: 0.02,
    });
    // Step 3 passed its tests and waits for its landing.
    expect(three).toMatchObject({ column: 'running', attempt: { k: 1, n: 3 }, phase: 'landing' });
    // Step 4's worktree is a failed step's, kept from an older run: failed, not running.
    expect(four).toMatchObject({ column: 'failed', attempt: { k: 3, n: 3 }, reason: 'tests red' });
    // The same worktrees without a live run are nobody's work in flight.
    const gone = computeState(base({ attempts, worktrees: [2, 3], runAlive: false }), new ColumnClock());
    expect(columns(gone)).toMatchObject({ 2: 'blocked', 3: 'blocked' });
    expect(gone.cards[1]?.phase).toBeUndefined();
  });

  it('the team view counts what this checkout spent from its run records', () => {
    const s = computeState(
      base({
        landed: new Map([[1, { step: 1, commit: 'abc1234', author: 'ann', at: '2026-12-01T11:00:00Z' }]]),
      }),
      new ColumnClock(),
    );
    const t0 = Date.parse('2026-12-01T10:59:00Z') / 1000;
    const v = teamView(
      s,
      [
        { t: t0, cost: 0.25, input: 1000, output: 200 },
        { t: t0 + 30, cost: 0.5, input: 10, output: 2 },
      ],
      'attempts',
    );
    expect(v.totals).toEqual({
      cost: 0.75,
      inputTokens: 1010,
      outputTokens: 202,
      calls: 2,
      source: 'attempts',
    });
    expect(v.series.cost.at(-1)).toBe(0.75);
    expect(v.series.landed.at(-1)).toBe(1);
  });

  it("a teammate's landed step shows what its commit's trailers say; this checkout's own facts come first", () => {
    const bobs = {
      step: 1,
      commit: 'b0b1234',
      author: 'bob',
      at: '2026-12-01T11:00:00Z',
      usage: { attempts: 2, tokens: { input: 1234, output: 567 }, cost: 0.0123 },
    };
    const team = {
      remote: 'origin',
      branch: 'main',
      tip: 'b0b1234',
      fetchedAt: '2026-12-01T11:59:00Z',
      steps: [],
      landed: new Map([[1, bobs]]),
    } as unknown as NonNullable<Sources['team']>;
    const s = computeState(base({ team }), new ColumnClock());
    expect(s.cards[0]).toMatchObject({
      column: 'landed',
      attempt: { k: 2, n: 3 },
      tokens: { input: 1234, output: 567 },
      cost: 0.0123,
      usageFrom: 'commit',
      landed: { commit: 'b0b1234', author: 'bob' },
    });
    // Usage unknown, cost unknown: the attempts only, no "0".
    const unknown = computeState(
      base({ landed: new Map([[1, { ...bobs, usage: { attempts: 1 } }]]) }),
      new ColumnClock(),
    ).cards[0];
    expect(unknown).toMatchObject({ attempt: { k: 1 }, usageFrom: 'commit' });
    expect(unknown?.tokens).toBeUndefined();
    expect(unknown?.cost).toBeUndefined();
    // Run records here for the step (a failed attempt of ours, say): they are the card's facts.
    const attempts = stepRecords([
      { step: 1, runId: 'r-1', attempt: 1, ok: false, inputTokens: 9, outputTokens: 1, cost: 0.5, files: [] },
    ]);
    const own = computeState(base({ team, attempts }), new ColumnClock()).cards[0];
    expect(own).toMatchObject({
      column: 'landed',
      attempt: { k: 1 },
      tokens: { input: 9, output: 1 },
      cost: 0.5,
    });
    expect(own?.usageFrom).toBeUndefined();
  });

  it("the team view counts every member's landed steps: this checkout's records, others' commits at landing time", () => {
    const landed = new Map([
      [1, { step: 1, commit: 'a11ce00', author: 'alice', at: '2026-12-01T11:00:00Z' }],
      [
        2,
        {
          step: 2,
          commit: 'b0b1234',
          author: 'bob',
          at: '2026-12-01T11:30:00Z',
          usage: { attempts: 2, tokens: { input: 1000, output: 100 }, cost: 0.25 },
        },
      ],
      [3, { step: 3, commit: 'b0b5678', author: 'bob', at: '2026-12-01T11:40:00Z', usage: { attempts: 1 } }],
    ]);
    const attempts = stepRecords([
      { step: 1, runId: 'r-1', attempt: 1, ok: true, inputTokens: 10, outputTokens: 5, cost: 0.5, files: [] },
    ]);
    const s = computeState(base({ landed, attempts }), new ColumnClock());
    const t1 = Date.parse('2026-12-01T10:59:00Z') / 1000;
    const v = teamView(s, [{ t: t1, cost: 0.5, input: 10, output: 5 }], 'attempts');
    // Here: alice's own attempt; from the commits: bob's two steps (one of unknown usage).
    expect(v.totals).toMatchObject({ cost: 0.5, inputTokens: 10, outputTokens: 5, calls: 1 });
    expect(v.fromCommits).toEqual({ steps: 2, cost: 0.25, inputTokens: 1000, outputTokens: 100 });
    expect(v.series.cost.at(-1)).toBe(0.75);
    expect(v.series.landed.at(-1)).toBe(3);
    // Bob's cost enters the chart when his step landed.
    const at = v.series.t.indexOf(Date.parse('2026-12-01T11:30:00Z') / 1000);
    expect(v.series.cost[at]).toBe(0.75);
    expect(v.series.cost[at - 1]).toBe(0.5);
    const byName = Object.fromEntries(v.members.map((m) => [m.name, m]));
    expect(byName.alice).toMatchObject({ landed: [1], cost: 0.5 });
    expect(byName.bob).toMatchObject({ landed: [2, 3], cost: 0.25 });
  });

  it('the critical path is the longest chain of steps not landed; the frontier is what is ready', () => {
    expect(criticalPath(plan, new Set())).toHaveLength(4);
    expect(criticalPath(plan, new Set([1, 2, 3]))).toEqual([4, 5]);
    const s = computeState(base({ landed: new Map([[1, { step: 1 }]]) }), new ColumnClock());
    expect(s.frontier).toEqual([2, 3]);
  });

  it('remembers when a card entered its column', () => {
    const clock = new ColumnClock();
    const first = computeState(base(), clock).cards[0]?.since;
    const later = computeState(base({ now: NOW + 60_000 }), clock).cards[0]?.since;
    expect(later).toBe(first);
    const moved = computeState(base({ now: NOW + 120_000, landed: new Map([[1, { step: 1 }]]) }), clock);
    expect(moved.cards[0]?.since).toBe(new Date(NOW + 120_000).toISOString());
  });
});
