import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { redact } from '../../util/redact.js';
import type { Context } from '../context.js';
import { knownSecrets } from '../keys/index.js';
import { openDb } from './db.js';

/** One row of the call log. */
export interface CallRecord {
  time: string;
  command?: string;
  role?: string;
  model: string;
  /** System prompt + messages, as text. */
  prompt: string;
  response?: string;
  inputTokens?: number;
  outputTokens?: number;
  cost?: number | null;
  durationMs: number;
  error?: string;
}

export interface CallRow extends CallRecord {
  id: number;
}

/** The flag file `specloop logs --off` creates. */
export const LOGS_OFF_FLAG = 'logs-off';

type Ctx = Pick<Context, 'home' | 'cwd' | 'projectRoot' | 'config'> & { env?: Context['env'] };

/** Where the call log lives: config `llm.logPath` (relative to the project) or `<home>/logs.db`. */
export function callLogPath(ctx: Ctx): string {
  const p = ctx.config.llm.logPath;
  if (!p) return join(ctx.home, 'logs.db');
  return isAbsolute(p) ? p : resolve(ctx.projectRoot ?? ctx.cwd, p);
}

/** Logging is on unless `specloop logs --off` was run or config says `llm.log = false`. */
export function loggingEnabled(ctx: Ctx): boolean {
  return ctx.config.llm.log && !loggingSwitchedOff(ctx);
}

/** Whether the user switched logging off with `specloop logs --off` (config aside). */
export function loggingSwitchedOff(ctx: Pick<Context, 'home'>): boolean {
  return existsSync(join(ctx.home, LOGS_OFF_FLAG));
}

/** Persist the on/off switch in the home dir. */
export async function setLogging(ctx: Pick<Context, 'home'>, on: boolean): Promise<void> {
  const flag = join(ctx.home, LOGS_OFF_FLAG);
  if (on) rmSync(flag, { force: true });
  else await atomicWrite(flag, 'model call logging switched off by `specloop logs --off`\n');
}

/**
 * Append one call to the log (when logging is on). The database is opened for each write and
 * closed again: calls are slow anyway, and no handle outlives the call (parallel processes,
 * in-process tests, temp dirs removed afterwards).
 */
export async function writeCall(ctx: Ctx, rec: CallRecord): Promise<void> {
  if (!loggingEnabled(ctx)) return;
  const db = await openDb(callLogPath(ctx));
  // Keys and URL passwords never reach the log, whatever the prompt or the error contained.
  const secrets = knownSecrets({ home: ctx.home, env: ctx.env ?? {}, config: ctx.config });
  const mask = (t: string | undefined) => (t === undefined ? t : redact(t, secrets));
  try {
    db.prepare(
      `INSERT INTO calls (time, command, role, model, prompt, response, input_tokens, output_tokens, cost, duration_ms, error)
       VALUES (@time, @command, @role, @model, @prompt, @response, @inputTokens, @outputTokens, @cost, @durationMs, @error)`,
    ).run({
      command: null,
      role: null,
      inputTokens: null,
      outputTokens: null,
      cost: null,
      ...rec,
      prompt: redact(rec.prompt, secrets),
      response: mask(rec.response) ?? null,
      error: mask(rec.error) ?? null,
    });
  } finally {
    db.close();
  }
}

interface RawRow {
  id: number;
  time: string;
  command: string | null;
  role: string | null;
  model: string;
  prompt: string;
  response: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost: number | null;
  duration_ms: number;
  error: string | null;
}

/** The newest `limit` calls, newest first. An absent log file reads as empty. */
export async function readCalls(ctx: Ctx, opts: { limit?: number } = {}): Promise<CallRow[]> {
  const file = callLogPath(ctx);
  if (!existsSync(file)) return [];
  // Opened read-write: a read-only handle on a WAL database fails when the -shm file is gone.
  const db = await openDb(file);
  try {
    const rows = db.prepare('SELECT * FROM calls ORDER BY id DESC LIMIT ?').all(opts.limit ?? 20) as RawRow[];
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      command: r.command ?? undefined,
      role: r.role ?? undefined,
      model: r.model,
      prompt: r.prompt,
      response: r.response ?? undefined,
      inputTokens: r.input_tokens ?? undefined,
      outputTokens: r.output_tokens ?? undefined,
      cost: r.cost,
      durationMs: r.duration_ms,
      error: r.error ?? undefined,
    }));
  } finally {
    db.close();
  }
}
