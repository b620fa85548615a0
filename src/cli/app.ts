import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { Context, Sink } from '../core/context.js';
import { InterruptedError, isSpecloopError } from '../core/errors.js';

/** Everything the CLI needs from the outside world; tests pass their own. */
export interface CliIO {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: Readable & { isTTY?: boolean };
  stdout: Sink;
  stderr: Sink;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export interface GlobalOptions {
  cwd?: string;
  llmRecord?: string;
  llmReplay?: string;
  verbose?: boolean;
  color?: boolean;
}

/** Result of a command: an exit code (0 by default). */
export type ActionResult = number | undefined | void;

export interface App {
  io: CliIO;
  /**
   * Wrap a command handler: builds the Context (config loaded, LLM lazy), runs the
   * handler, and maps thrown errors to messages + exit codes. Only this layer prints errors.
   */
  action<A extends unknown[]>(
    name: string,
    fn: (ctx: Context, ...args: A) => Promise<ActionResult>,
    opts?: {
      configOverrides?: (...args: A) => Record<string, unknown>;
      /** Fall back to defaults when a config file is invalid (for `init --force`, which repairs it). */
      configOptional?: boolean;
    },
  ): (...args: A) => Promise<void>;
  /** Exit code of the last action (read by main). */
  exitCode: number;
}

export type RegisterFn = (program: Command, app: App) => void;

/** Print an error the way every command does: message, hint, exit code. */
export function reportError(err: unknown, stderr: Sink, verbose: boolean): number {
  if (err instanceof InterruptedError) {
    stderr.write(`specloop: ${err.message}\n`);
    return 130;
  }
  if (isSpecloopError(err)) {
    stderr.write(`specloop: error: ${err.message}\n`);
    if (err.hint) stderr.write(`  hint: ${err.hint}\n`);
    if (verbose && err.cause) stderr.write(`  cause: ${String((err.cause as Error)?.stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  stderr.write(`specloop: internal error: ${verbose ? e?.stack : (e?.message ?? String(err))}\n`);
  if (!verbose) stderr.write('  hint: run again with --verbose for the stack trace, and please report it\n');
  return 1;
}
