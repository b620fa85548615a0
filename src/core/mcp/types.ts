import type { Readable, Writable } from 'node:stream';
import type { Context } from '../context.js';

/** What a tool call asks of the CLI layer to get its own context. */
export interface CallRequest {
  /** For the call log, e.g. `mcp ask`. */
  command: string;
  /** Text the call's `ctx.stdin` reads (a task's input); empty when undefined. */
  stdin?: string;
  /** Aborted when the client cancels the request or the server stops. */
  signal: AbortSignal;
}

/**
 * Builds a fresh Context per tool call, the way the CLI builds one per command, so config
 * edits (and trust) apply to the next call without restarting the server. Its stdout must
 * go nowhere: the real stdout carries the protocol, and tools return their results.
 */
export type ContextFor = (r: CallRequest) => Promise<Context>;

export interface ServeOptions {
  /** The protocol's input (the process stdin). */
  input: Readable;
  /** The protocol's output (the process stdout). */
  output: Writable;
  contextFor: ContextFor;
}

/** What the server remembers between calls. */
export interface ServerState {
  /** The last pack a `pack` tool call made (text, or the file it wrote). */
  lastPack?: { text?: string; path?: string; style: string };
  /**
   * Runs tools that change the repository one at a time: a client may send calls
   * concurrently, and two landings (or a landing and a claim) must not share git's index.
   */
  serial<T>(fn: () => Promise<T>): Promise<T>;
}

export interface ServerDeps extends ServeOptions {
  /** The server's own context: config at start-up, stderr for logs, the stop signal. */
  ctx: Context;
  state: ServerState;
}
