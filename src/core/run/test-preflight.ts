import type { Context } from '../context.js';
import { UsageError, WorkError } from '../errors.js';
import type { OnEvent } from './events.js';
import { failureExcerpt } from './test-excerpt.js';
import { runTests, type TestResult } from './test-runner.js';

/**
 * A test command the shell could not run at all: 127 (not found) or 126 (not executable).
 * No agent can fix that, so it stops the run at once (exit 2: the user's setup) instead of
 * counting as a failed attempt.
 */
export function assertTestCommandRuns(t: Pick<TestResult, 'code' | 'command' | 'output' | 'timedOut'>): void {
  if (t.timedOut || (t.code !== 127 && t.code !== 126)) return;
  const said = t.output.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 200);
  const what = t.code === 127 ? 'was not found' : 'is not executable';
  throw new UsageError(
    `the test command \`${t.command}\` ${what} (exit ${t.code})${said ? `: ${said}` : ''}`,
    {
      code: 'E_TEST_COMMAND',
      hint: 'set [test] command in specloop.toml or pass --test-cmd (e.g. --test-cmd "npm test")',
    },
  );
}

export interface PreflightOptions {
  /** Where the tests run (the repo root or its test directory). */
  cwd: string;
  command: string;
  timeoutMs: number;
  /** Start even though the suite is red (`--allow-red`). */
  allowRed?: boolean;
  onEvent?: OnEvent;
  signal?: AbortSignal;
}

export interface PreflightResult {
  ok: boolean;
  test: TestResult;
}

/**
 * Run the test command once before the first step. A command that cannot run stops the run
 * (exit 2). A red suite stops it too (exit 1), its failures shown, before any agent is paid
 * to work on top of it — unless `allowRed`: then the run starts, and each step still counts
 * as done only when the whole suite is green after it.
 */
export async function testPreflight(ctx: Context, o: PreflightOptions): Promise<PreflightResult> {
  o.onEvent?.({ type: 'note', text: `checking the test suite before the first step: ${o.command}` });
  const test = await runTests(ctx, {
    cwd: o.cwd,
    command: o.command,
    timeoutMs: o.timeoutMs,
    signal: o.signal ?? ctx.signal,
  });
  assertTestCommandRuns(test);
  if (test.ok) return { ok: true, test };
  const excerpt = failureExcerpt(test.output, { maxChars: 3000 });
  const why = test.timedOut ? 'timed out' : `failed (exit ${test.code})`;
  if (o.allowRed) {
    o.onEvent?.({
      type: 'note',
      text: `the test suite is red before any step (${why}); going on (--allow-red): a step lands only once the whole suite is green`,
    });
    return { ok: false, test };
  }
  o.onEvent?.({ type: 'note', text: excerpt.replace(/^/gm, '  | ') });
  throw new WorkError(`the test suite is already red before any step ran: \`${o.command}\` ${why}`, {
    code: 'E_RED_BASELINE',
    hint: 'fix the failing tests first (their output is above), or run with --allow-red to start anyway: every step then has to leave the whole suite green to land',
  });
}
