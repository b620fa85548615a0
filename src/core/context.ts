import type { Readable } from 'node:stream';
import type { Config } from './config/schema.js';
import type { LlmClient } from './llm/types.js';

/** Where text goes. stdout carries results only; everything else goes to stderr. */
export interface Sink {
  write(text: string): void;
  /** True when this stream is a terminal (spinners, colours, prompts allowed). */
  isTTY: boolean;
  /** Terminal width in cells, when known (read at each draw: it follows resizes). */
  columns?: number;
  /** False when the terminal cannot redraw a line in place (TERM=dumb): progress prints plain lines. */
  animate?: boolean;
  /** Set by the calm terminal sink: the one live status line (`undefined` clears it). */
  status?(text: string | undefined): void;
  /**
   * Set by the calm terminal sink: while a question waits on this line (readline), text
   * written meanwhile goes above it and `redraw` puts the question back. Returns the release.
   */
  above?(redraw: () => void): () => void;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

/**
 * The explicit context every core function receives. Nothing below the CLI reads
 * process.env, process.cwd() or the terminal: it reads them from here.
 */
export interface Context {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Config/keys/logs dir (SPECLOOP_HOME or ~/.config/specloop). */
  home: string;
  /** Cache dir (token-count cache, etc). */
  cacheDir: string;
  config: Config;
  /** Directory of the nearest specloop.toml, if any. */
  projectRoot?: string;
  /**
   * The project root (nearest specloop.toml, else the git root, else cwd): default spec.md,
   * plan, todo.md and `.specloop/` live here. Read it with `rootOf(ctx)`.
   */
  root?: string;
  /** Where each configured task was defined (file path). */
  taskOrigins: Record<string, string>;
  stdout: Sink;
  stderr: Sink;
  stdin: Readable & { isTTY?: boolean };
  /** The LLM client, created on first use (so commands that never call a model never load the SDK). */
  llm(): Promise<LlmClient>;
  clock: { now(): number };
  log: Logger;
  /** The command being run (`ask`, `pack`, …), for the call log. */
  command: string;
  /** Aborted on Ctrl-C: long work should stop at a consistent point. */
  signal: AbortSignal;
  /** Global options that affect the LLM layer. */
  llmOptions: { record?: string; replay?: string };
  verbose: boolean;
  /**
   * Test-only fault injection, built by the CLI from SPECLOOP_CRASH_AT (`src/cli/run.ts`);
   * absent in production. Core code calls `ctx.faults?.at(point)` at named points.
   */
  faults?: FaultHooks;
}

/** One hook object for every injected fault (kill -9 at a point, a failing write). */
export interface FaultHooks {
  /** Reached a named point; `before` runs first when the hook fires (e.g. leave a torn temp file). */
  at(point: string, before?: () => void): void;
}

/** The project root of a context (see Context.root); cwd for contexts built without one. */
export function rootOf(ctx: Pick<Context, 'root' | 'projectRoot' | 'cwd'>): string {
  return ctx.root ?? ctx.projectRoot ?? ctx.cwd;
}
