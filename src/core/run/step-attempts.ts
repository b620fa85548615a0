import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatUsd } from '../../util/format.js';
import type { Context } from '../context.js';
import { InterruptedError, isSpecloopError } from '../errors.js';
import { git, readWorkTree, tryGit, type WorkTreeState, withoutPaths } from '../git/index.js';
import type { Plan, PlanStep } from '../plan/index.js';
import { isTddStep, testFileMatcher } from '../testfiles/index.js';
import { type OnEvent, type Usage, zeroUsage } from './events.js';
import type { Executor } from './executors/types.js';
import { packContext, relevantFiles, safeTestOutput } from './failure-context.js';
import { mergeHooks, notifyAttempt } from './hooks.js';
import { machineState } from './machine-state.js';
import { retryPrompt, stepPrompt } from './prompts.js';
import type { AttemptRef, PreLandCheck, RunHooks } from './seams.js';
import type { RunMode } from './settings.js';
import { failureExcerpt } from './test-excerpt.js';
import { assertTestCommandRuns } from './test-preflight.js';
import { runTests, type TestResult } from './test-runner.js';

export interface ExecuteStepOptions {
  /** Repository or worktree root: the executor works here, tests run here. */
  repoDir: string;
  plan: Plan;
  step: PlanStep;
  executor: Executor;
  testCommand: string;
  /** Default: config `test.timeoutSec`. */
  testTimeoutMs?: number;
  /** Where tests run, relative to repoDir (a project in a subfolder); default the root. */
  testDir?: string;
  /** Default: config `run.maxAttempts`. */
  maxAttempts?: number;
  /** Require a touched test file for steps whose prompt asks for tests. Default: config `run.tdd`. */
  tdd?: boolean;
  /** spec.md text, given as context. */
  spec?: string;
  /** Steps already done (context for the prompt). */
  done?: number[];
  /** Repo-relative paths that never count as the step's work (todo.md: the tick is ours). */
  ignore?: string[];
  /** Extra text appended to the first prompt (e.g. a rebase conflict from the team queue). */
  note?: string;
  /** Stop before an attempt once this much USD was spent on the step. */
  maxCost?: number;
  /**
   * Changes already in the tree when the step starts: `verify` (default) checks them first
   * and accepts them if green — a finished attempt or a hand fix; `continue` hands them to
   * the executor as an interrupted attempt's partial work, without accepting them as they are.
   */
  existing?: 'verify' | 'continue';
  /**
   * With `existing: 'continue'`: the interrupted attempt's number and the reasons of the
   * attempts before it (the journal's), so the recovered attempt keeps the count and history.
   */
  resume?: { attempt: number; reasons: string[] };
  /** Told each rejected attempt's reason (the journal keeps them for a crash recovery). */
  onRejected?: (attempt: number, reason: string) => void | Promise<void>;
  /**
   * Repo-relative files that commits made by hand since the step started changed (killed
   * mid-step, then the user ran `git commit`): they count as the step's change, and are
   * checked first — never "the attempt changed no files" forever.
   */
  committedWork?: string[];
  /** Told when an attempt starts executing and when its result is being checked (journal). */
  onPhase?: (phase: 'executing' | 'checking', attempt: number) => void | Promise<void>;
  onEvent?: OnEvent;
  signal?: AbortSignal;
  /** Pre-land checks and attempt observers (seams.ts); none by default. */
  hooks?: RunHooks;
  /** Identifies the attempts in lifecycle events. */
  run?: { runId: string; planId: string; mode: RunMode };
  /**
   * The work tree as the caller read it just now, when nothing but specloop ran since (solo:
   * the step loop's read): the step starts from it instead of asking git again.
   */
  tree?: WorkTreeState;
}

export interface ExecuteStepResult {
  ok: boolean;
  /** Executor attempts made (0 when work left in the tree already passed the checks). */
  attempts: number;
  reason?: string;
  usage: Usage;
  /** USD, 0 when unknown. */
  cost: number;
  costKnown: boolean;
  /** False when an attempt's executor reported no usage at all ("usage unknown", not 0). */
  usageKnown?: boolean;
  sessionIds: string[];
  /** Files the step changed (repo-relative). */
  changed: string[];
  lastTest?: TestResult;
  /** The accepted attempt's own summary (the agent's finish / final message), for the commit body. */
  summary?: string;
}

/** Test files by convention alone (the run uses the project's {@link testFileMatcher}). */
export { isConventionalTestFile as isTestFile, isTddStep } from '../testfiles/index.js';

interface Check {
  ok: boolean;
  reason?: string;
  changed: string[];
  test?: TestResult;
}

/**
 * Run one step in `repoDir`: executor, then OUR checks — a non-empty diff, the test command
 * green, and for TDD steps a test file touched — retrying with the failure and packed
 * context up to `maxAttempts`. Never commits. Work already in the tree (an interrupted or
 * hand-fixed attempt) is checked first and accepted without calling the executor if green.
 */
export async function executeStep(ctx: Context, o: ExecuteStepOptions): Promise<ExecuteStepResult> {
  const signal = o.signal ?? ctx.signal;
  const onEvent: OnEvent = o.onEvent ?? (() => {});
  const maxAttempts = o.maxAttempts ?? ctx.config.run.maxAttempts;
  const testTimeoutMs = o.testTimeoutMs ?? ctx.config.test.timeoutSec * 1000;
  const testCwd = o.testDir ? join(o.repoDir, o.testDir) : o.repoDir;
  const tddStep = isTddStep(o.step, o.tdd ?? ctx.config.run.tdd);
  const testFiles = await testFileMatcher({ root: o.repoDir, files: ctx.config.test.files });
  const n = o.step.number;
  const ignore = [...machineState(ctx, o.repoDir), ...(o.ignore ?? [])];
  const res: ExecuteStepResult = {
    ok: false,
    attempts: 0,
    usage: zeroUsage(),
    cost: 0,
    costKnown: true,
    sessionIds: [],
    changed: [],
  };

  const hooks = o.hooks ?? mergeHooks();
  const who = o.run ?? { runId: '', planId: '', mode: 'solo' as const };
  const ref = (attempt: number): AttemptRef => ({ ...who, step: n, attempt, dir: o.repoDir });
  const note = (text: string) => onEvent({ type: 'note', text: `step ${n}: ${text}` });
  // The latest read of the tree, kept only while nothing but specloop's own code has run
  // since (specloop changes neither the tree nor HEAD between two reads): the executor, the
  // tests and every hook may, so each of them drops it (`stale`) before it runs.
  let current: WorkTreeState | undefined = o.tree;
  const stale = () => {
    current = undefined;
  };
  const treeNow = async () => (current ??= await readWorkTree(o.repoDir, { env: ctx.env }));
  const inTree = async () => withoutPaths((await treeNow()).entries, ignore).map((e) => e.path);
  const changedNow = async () => [...new Set([...(o.committedWork ?? []), ...(await inTree())])];
  const runChecks = async (when: PreLandCheck['when'], attempt: number, changed: string[]) => {
    const notes: string[] = [];
    for (const c of hooks.preLand) {
      if (c.when !== when) continue;
      // The check gets the read made for `changed` if it is still current, else reads on
      // demand; after it (it may restore files, or wait for a person) nothing is current.
      const seen = current;
      stale();
      let read: Promise<WorkTreeState> | undefined;
      const tree = () => (read ??= seen ? Promise.resolve(seen) : readWorkTree(o.repoDir, { env: ctx.env }));
      const v = await c.check(ctx, { ...who, dir: o.repoDir, step: o.step, attempt, changed, signal, tree });
      for (const t of v.notes ?? []) note(t);
      notes.push(...(v.notes ?? []).map((t) => `${c.name}: ${t}`));
      if ('restore' in v && v.restore?.length) {
        await restorePaths(ctx, o.repoDir, v.restore);
        changed = await changedNow();
      }
      if (!v.ok) return { reason: `${c.name}: ${v.reason}`, changed, notes };
    }
    return { changed, notes };
  };
  const check = async (attempt: number): Promise<Check> => {
    let changed = await changedNow();
    if (changed.length === 0) return { ok: false, reason: 'the attempt changed no files', changed };
    const before = await runChecks('before-tests', attempt, changed);
    changed = before.changed;
    if (before.reason) return { ok: false, reason: before.reason, changed };
    if (changed.length === 0)
      return { ok: false, reason: 'the attempt changed no files it may change', changed };
    onEvent({ type: 'tests-start', step: n, command: o.testCommand });
    ctx.faults?.at('tests');
    stale();
    const test = await runTests(ctx, {
      cwd: testCwd,
      command: o.testCommand,
      timeoutMs: testTimeoutMs,
      signal,
    });
    onEvent({
      type: 'tests-end',
      step: n,
      ok: test.ok,
      durationMs: test.durationMs,
      timedOut: test.timedOut,
    });
    await notifyAttempt(hooks, 'testsRan', { ...ref(attempt), result: test }, note);
    assertTestCommandRuns(test);
    // What a check undid (integrity) is feedback too: the next attempt reads it with the failure.
    const also = before.notes.length ? `; also, ${before.notes.join('; ')}` : '';
    if (!test.ok)
      return {
        ok: false,
        reason: `${test.timedOut ? 'the test command timed out' : `the test command failed (exit ${test.code})`}${also}`,
        changed,
        test,
      };
    if (tddStep && !changed.some(testFiles.isTestFile))
      return {
        ok: false,
        reason: 'this is a test-driven step but no test file was added or changed',
        changed,
        test,
      };
    const after = await runChecks('after-tests', attempt, changed);
    if (after.reason) return { ok: false, reason: after.reason, changed: after.changed, test };
    return { ok: true, changed: after.changed, test };
  };
  /**
   * A failure that stops the run in the middle of an attempt (an InfraError, a test command
   * that cannot run, a missing key) still leaves the attempt's record, with the cause and the
   * external CLI's raw output; it is not counted (no onRejected: the journal keeps no reason).
   */
  const stopsRun = async <T>(attempt: number, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof InterruptedError || !isSpecloopError(err)) throw err;
      const transcript = (err as { transcript?: string }).transcript;
      if (transcript !== undefined) {
        const result = {
          ok: false,
          reason: err.message,
          usage: zeroUsage(),
          usageKnown: false,
          cost: null,
          transcript,
        };
        await notifyAttempt(hooks, 'executorFinished', { ...ref(attempt), result }, note);
      }
      await notifyAttempt(
        hooks,
        'attemptRejected',
        { ...ref(attempt), reason: err.message, stoppedRun: err.code },
        note,
      );
      throw err;
    }
  };
  const accept = (c: Check) =>
    Object.assign(res, { ok: true, changed: c.changed, lastTest: c.test, reason: undefined });

  let last: Check | undefined;
  const leftover = await changedNow();
  let resumed = false;
  if (leftover.length > 0 && o.existing === 'continue' && (await inTree()).length > 0) {
    resumed = true;
    // Test what the interrupted attempt left (never accepted as it is: it did not finish), so
    // the recovered attempt starts from its failures, with the earlier attempts' reasons.
    const c = await stopsRun(0, () => check(0));
    const k = o.resume?.attempt ?? 1;
    const earlier = (o.resume?.reasons ?? []).map((r, i) => `attempt ${i + 1}: ${r}`);
    const tested = c.test ? (c.test.ok ? '; the tests pass on them' : '; the tests fail on them') : '';
    last = {
      ...c,
      ok: false,
      reason: [
        ...earlier,
        `attempt ${k} was interrupted before it finished; its partial changes are in the tree${tested}`,
      ].join('\n'),
    };
  } else if (leftover.length > 0) {
    // A finished but unchecked attempt (killed during the tests), or a hand fix after a failed run.
    onEvent({ type: 'verify-existing', step: n });
    await o.onPhase?.('checking', 0);
    last = await stopsRun(0, () => check(0));
    if (last.ok) return accept(last);
    last.reason = `work already in the tree was checked first: ${last.reason}`;
    await notifyAttempt(hooks, 'attemptRejected', { ...ref(0), reason: last.reason, test: last.test }, note);
  }

  const firstPrompt =
    (await stepPrompt(ctx, {
      plan: o.plan,
      step: o.step,
      spec: o.spec,
      done: o.done ?? [],
      testCommand: o.testCommand,
      tdd: tddStep,
    })) + (o.note ? `\n\n${o.note}` : '');
  const first = resumed ? Math.min(o.resume?.attempt ?? 1, maxAttempts) : 1;
  for (let attempt = first; attempt <= maxAttempts; attempt++) {
    if (signal.aborted) throw new InterruptedError();
    if (o.maxCost !== undefined && res.cost >= o.maxCost) {
      res.reason = `cost limit reached (${formatUsd(res.cost)} of ${formatUsd(o.maxCost)})`;
      return res;
    }
    onEvent({ type: 'attempt-start', step: n, attempt, maxAttempts });
    await o.onPhase?.('executing', attempt);
    const prompt = last
      ? await retryPrompt(ctx, {
          step: o.step,
          firstPrompt,
          attempt,
          maxAttempts,
          reason: last.reason ?? 'unknown',
          testOutput: last.test
            ? await safeTestOutput(failureExcerpt(last.test.output))
            : '(the tests were not run)',
          context: await packContext(ctx, {
            repoDir: o.repoDir,
            files: await relevantFiles(o.repoDir, last.changed, last.test?.output ?? ''),
          }),
          testCommand: o.testCommand,
        })
      : firstPrompt;
    await notifyAttempt(hooks, 'attemptStarted', { ...ref(attempt), prompt, tree: current }, note);
    stale();
    const r = await stopsRun(attempt, () =>
      o.executor.run({
        repoDir: o.repoDir,
        step: n,
        prompt,
        testCommand: o.testCommand,
        testCwd,
        testTimeoutMs,
        maxCost: o.maxCost === undefined ? undefined : o.maxCost - res.cost,
        signal,
        onEvent,
        crash: ctx.faults ? (point) => ctx.faults?.at(point) : undefined,
      }),
    );
    await notifyAttempt(hooks, 'executorFinished', { ...ref(attempt), result: r }, note);
    res.attempts = attempt;
    res.usage.inputTokens += r.usage.inputTokens;
    res.usage.outputTokens += r.usage.outputTokens;
    if (r.usageKnown === false) res.usageKnown = false;
    if (r.cost === null) res.costKnown = res.costKnown && r.usage.inputTokens + r.usage.outputTokens === 0;
    else res.cost += r.cost;
    if (r.sessionId) res.sessionIds.push(r.sessionId);
    if (r.stopped === 'cost-limit') {
      // Stopped mid-attempt by --max-cost: its partial work stays in the tree, unchecked.
      const reason =
        r.reason ?? `cost limit reached (${formatUsd(res.cost)} of ${formatUsd(o.maxCost ?? 0)})`;
      onEvent({ type: 'attempt-end', step: n, attempt, ok: false, reason });
      await notifyAttempt(hooks, 'attemptRejected', { ...ref(attempt), reason }, note);
      return Object.assign(res, { reason, changed: await changedNow() });
    }
    await o.onPhase?.('checking', attempt);
    ctx.faults?.at('executor');
    const c = await stopsRun(attempt, () => check(attempt));
    if (r.ok && c.ok) {
      onEvent({ type: 'attempt-end', step: n, attempt, ok: true });
      res.summary = r.summary?.trim().slice(0, 2000) || undefined;
      return accept(c);
    }
    // The executor's own failure (budget, invalid calls, CLI error) outranks the checks.
    last = r.ok ? c : { ...c, ok: false, reason: r.reason ?? 'the executor failed' };
    onEvent({ type: 'attempt-end', step: n, attempt, ok: false, reason: last.reason });
    await notifyAttempt(
      hooks,
      'attemptRejected',
      { ...ref(attempt), reason: last.reason ?? 'unknown', test: last.test },
      note,
    );
    await o.onRejected?.(attempt, last.reason ?? 'unknown');
  }
  Object.assign(res, { reason: last?.reason, changed: last?.changed ?? [], lastTest: last?.test });
  // A red step shows why: the failures of its last test run, not just "exit 1".
  if (last?.test && !last.test.ok) note(`the last test run's failures:\n${indentExcerpt(last.test.output)}`);
  return res;
}

/**
 * Put `paths` (repo-relative) back as they are at HEAD — the commit the step works on —
 * or remove them when HEAD does not have them (files the step should not have created).
 */
export async function restorePaths(ctx: Pick<Context, 'env'>, dir: string, paths: string[]): Promise<void> {
  const env = { env: ctx.env };
  for (const p of paths) {
    if ((await tryGit(dir, ['cat-file', '-e', `HEAD:${p}`], env)).ok)
      await git(dir, ['checkout', '-q', 'HEAD', '--', p], env);
    else {
      await tryGit(dir, ['rm', '-q', '--cached', '--ignore-unmatch', '--', p], env);
      await rm(join(dir, p), { recursive: true, force: true });
    }
  }
}

/** The failure excerpt of a test run, indented, for the terminal. */
export const indentExcerpt = (output: string): string =>
  failureExcerpt(output, { maxChars: 2000 }).replace(/^/gm, '    | ');
