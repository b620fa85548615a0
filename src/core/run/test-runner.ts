import { run } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { InterruptedError } from '../errors.js';

export interface RunTestsOptions {
  /** Where the command runs (a repo root or a worktree). */
  cwd: string;
  /** Shell command line, e.g. `npm test`. */
  command: string;
  /** Kill the command's whole process group after this long; counts as a failure. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Live output (stdout and stderr interleaved). */
  onOutput?: (chunk: string) => void;
}

export interface TestResult {
  ok: boolean;
  /** Exit code (null when killed). */
  code: number | null;
  timedOut: boolean;
  /** stdout + stderr as they arrived, ANSI colours removed, capped at the last 256 KB. */
  output: string;
  durationMs: number;
  command: string;
}

const MAX_KEEP = 256 * 1024;
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

/** Remove ANSI colour / cursor escapes (what the model and the user should read). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Run the project's test command ourselves: green means exit code 0 within the timeout,
 * nothing else (no parsing of "x passed"). A hang is killed with its process group.
 */
export async function runTests(ctx: Context, opts: RunTestsOptions): Promise<TestResult> {
  const started = ctx.clock.now();
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
    if (output.length > MAX_KEEP * 2) output = output.slice(-MAX_KEEP);
    opts.onOutput?.(chunk);
  };
  const signal = opts.signal ?? ctx.signal;
  // run() only reacts to an abort that happens after the spawn.
  if (signal.aborted) throw new InterruptedError('interrupted before the tests ran');
  const r = await run(opts.command, [], {
    cwd: opts.cwd,
    shell: true,
    // Colour codes only waste the model's tokens; stdin is closed so watch modes exit.
    env: { ...ctx.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeoutMs: opts.timeoutMs,
    onStdout: collect,
    onStderr: collect,
    signal,
  });
  if (signal.aborted && !r.timedOut) throw new InterruptedError('interrupted while the tests were running');
  let text = stripAnsi(output.length > MAX_KEEP ? output.slice(-MAX_KEEP) : output);
  if (r.timedOut)
    text += `\n[specloop: the test command was killed after ${Math.round(opts.timeoutMs / 1000)} s]\n`;
  return {
    ok: r.code === 0 && !r.timedOut,
    code: r.code,
    timedOut: r.timedOut,
    output: text,
    durationMs: ctx.clock.now() - started,
    command: opts.command,
  };
}

/** The last `maxChars` of test output, cut at a line start, for prompts. */
export function tailOutput(output: string, maxChars = 8000): string {
  if (output.length <= maxChars) return output;
  const cut = output.slice(-maxChars);
  const nl = cut.indexOf('\n');
  return `[… ${output.length - maxChars} earlier characters omitted …]\n${nl >= 0 ? cut.slice(nl + 1) : cut}`;
}
