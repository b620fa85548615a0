/** The board's data model: what the server computes and the page renders. */

export const COLUMNS = ['blocked', 'ready', 'running', 'review', 'landed', 'failed'] as const;
export type Column = (typeof COLUMNS)[number];

export interface Holder {
  name: string;
  host: string;
  kind: 'bot' | 'human';
  leaseAgeSeconds: number;
  expiresInSeconds: number;
  expired: boolean;
}

/** One step as a card. */
export interface Card {
  step: number;
  title: string;
  column: Column;
  dependsOn: number[];
  /** Dependencies not landed yet. */
  waitingOn: number[];
  holder?: Holder;
  /** Attempt k of n (the running attempt, or how many the finished step took). */
  attempt?: { k: number; n: number };
  /** The last test run we know of. */
  lastTest?: { ok: boolean; durationMs?: number };
  tokens?: { input: number; output: number };
  cost?: number;
  /**
   * `commit`: attempt, tokens and cost are what the landing commit's trailers say (this
   * checkout has no journal or run record of the step: a teammate's run). Absent: this
   * checkout's own facts (they include failed attempts).
   */
  usageFrom?: 'commit';
  /** ISO time the card entered its column (as far as the board knows). */
  since: string;
  landed?: { commit?: string; author?: string; at?: string; subject?: string };
  /** Why the last attempt was rejected / the step failed. */
  reason?: string;
  /** Where the run is in the step (executing, checking, committing). */
  phase?: string;
  /** The review gate waits for an answer (`run --review`): the question to answer. */
  review?: CardReview;
}

/** A step waiting at the review gate, as its card shows it. */
export interface CardReview {
  /** The question's id: an answer names it (an older page cannot decide a newer attempt). */
  id: string;
  attempt: number;
  since: string;
  /** `git diff --stat` lines. */
  stat: string;
  test?: { ok: boolean; command: string; durationMs: number };
  /** The run's terminal asks too (first answer wins). */
  terminal: boolean;
}

export interface BoardState {
  project: { name: string; repoRoot: string; planPath: string; planId: string; branch?: string };
  generatedAt: string;
  cards: Card[];
  counts: Record<Column, number>;
  /** Longest dependency chain among the steps not landed yet (step numbers, in order). */
  criticalPath: number[];
  /** Steps ready to start now. */
  frontier: number[];
  team?: { remote: string; branch: string; tip: string; fetchedAt: string; error?: string };
  run: { active?: number; phase?: string; paused: boolean; pausedBy?: string };
  /** Problems reading a source (shown as a banner, never fatal). */
  warnings: string[];
}

/** One attempt's record from `.specloop/runs/<run-id>/step-N/attempt-K/`. */
export interface AttemptRecord {
  runId: string;
  attempt: number;
  ok?: boolean;
  reason?: string;
  durationMs?: number;
  testDurationMs?: number;
  /** The test command's exit code (null: killed; absent: the tests did not run). */
  testCode?: number | null;
  /** The executor's usage and cost for this attempt (`attempt.json`). */
  inputTokens?: number;
  outputTokens?: number;
  cost?: number;
  /** ISO time the attempt started. */
  startedAt?: string;
  /** An infrastructure failure ended this attempt and stopped the run (not the step's fault). */
  stoppedRun?: string;
  prompt?: string;
  transcript?: string;
  testOutput?: string;
  diff?: string;
  /** Other files of the record, by name. */
  files: string[];
}

/** A step's run records as a card needs them: the newest attempt, and the sums over every attempt. */
export interface StepRecords {
  last: AttemptRecord;
  total: { input: number; output: number; cost: number };
}

export interface StepDetail {
  card: Card;
  prompt: string;
  context: string;
  attempts: AttemptRecord[];
  diff?: { commit: string; author: string; at: string; subject: string; patch: string };
  /** The change waiting at the review gate: its diff and test output. */
  review?: CardReview & { diff: string; testOutput?: string };
}

export interface TeamMember {
  name: string;
  claims: number[];
  landed: number[];
  lastActivity?: string;
  hosts: string[];
  /** USD their landed steps cost (this checkout's records, else the commits' trailers); absent: none known. */
  cost?: number;
}

export interface TeamView {
  members: TeamMember[];
  /** Points for the chart: time (s since epoch), cumulative landed steps, cumulative cost (USD). */
  series: { t: number[]; landed: number[]; cost: number[] };
  /**
   * Spent here so far: `attempts` from this checkout's run records (every executor), or — for
   * runs older than the records — `calls` of the run command in the user's call log.
   */
  totals: {
    cost: number;
    inputTokens: number;
    outputTokens: number;
    calls: number;
    source: 'attempts' | 'calls';
  };
  /**
   * Landed steps this checkout has no facts of (a teammate's run, another clone), from their
   * commits' usage trailers; `series.cost` counts them at their landing time.
   */
  fromCommits: { steps: number; cost: number; inputTokens: number; outputTokens: number };
}
