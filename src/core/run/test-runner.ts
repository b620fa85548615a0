import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { childEnv } from '../../util/child-env.js';
import { sandboxArgv, sandboxAvailable } from '../../util/sandbox.js';
import { run } from '../../util/spawn.js';
import type { Context } from '../context.js';
import { InterruptedError, UsageError } from '../errors.js';
import { knownSecrets } from '../keys/index.js';

export interface RunTestsOptions {
  /** Where the command runs (a repo root or a worktree). */
  cwd: string;
  /** Shell command line, e.g. `npm test`. */
  command: string;
  /** Kill the command's whole process group after this long; counts as a failure. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The repository or worktree root (writable in the sandbox); default `cwd`. */
  root?: string;
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
  const [cmd, args, shell] = testArgv(ctx, opts);
  const r = await run(cmd, args, {
    cwd: opts.cwd,
    shell,
    // Code the agent just wrote runs here: no credentials (child-env.ts) but `[test] passEnv`.
    // Colour codes only waste the model's tokens; stdin is closed so watch modes exit.
    env: {
      ...childEnv(ctx.env, { keep: ctx.config.test.passEnv, secrets: knownSecrets(ctx) }),
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
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

/**
 * The test command as run: through the shell, or — with `[test] sandbox = true` — inside the
 * OS sandbox (util/sandbox.ts), writable only in the repo and a temp dir, specloop's home
 * (keys.json) hidden. Asked for but unavailable is an error, never a silent unsandboxed run.
 */
function testArgv(ctx: Context, opts: RunTestsOptions): [string, string[], boolean] {
  if (!ctx.config.test.sandbox) return [opts.command, [], true];
  const info = sandboxAvailable(ctx.env);
  if (!info.available || !info.tool)
    throw new UsageError(`[test] sandbox = true, but no sandbox is available: ${info.reason}`, {
      code: 'E_SANDBOX',
      hint: 'install bubblewrap (Linux) or set `[test] sandbox = false`',
    });
  const root = opts.root ?? opts.cwd;
  // Hiding a home that contains the repo would hide the repo; a missing one needs no hiding.
  const hide = existsSync(ctx.home) && relative(ctx.home, root).startsWith('..');
  const [bin, args] = sandboxArgv(info.tool, {
    command: opts.command,
    cwd: opts.cwd,
    writable: [root],
    hidden: hide ? [ctx.home] : [],
  });
  return [bin, args, false];
}

/** The last `maxChars` of test output, cut at a line start, for prompts. */
export function tailOutput(output: string, maxChars = 8000): string {
  if (output.length <= maxChars) return output;
  const cut = output.slice(-maxChars);
  const nl = cut.indexOf('\n');
  return `[… ${output.length - maxChars} earlier characters omitted …]\n${nl >= 0 ? cut.slice(nl + 1) : cut}`;
}
