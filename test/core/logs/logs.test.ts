import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  callLogPath,
  loggingEnabled,
  readCalls,
  setLogging,
  writeCall,
} from '../../../src/core/logs/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { tempDir } from '../../support/repo.js';

const cleanups = useCleanups();
function ctxWith(config: Record<string, unknown> = {}) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return makeTestContext({ cwd: t.dir, home: t.dir, config });
}
const rec = (n: number) => ({
  time: `2025-01-0${n}T00:00:00.000Z`,
  model: 'openai:x',
  prompt: `p${n}`,
  durationMs: n,
});

describe('call log', () => {
  it('creates <home>/logs.db with a schema version and reads newest first', async () => {
    const ctx = ctxWith();
    await writeCall(ctx, { ...rec(1), response: 'r1', inputTokens: 3, outputTokens: 4, cost: 0.5 });
    await writeCall(ctx, { ...rec(2), error: 'boom' });
    expect(callLogPath(ctx)).toBe(join(ctx.home, 'logs.db'));
    const rows = await readCalls(ctx, { limit: 10 });
    expect(rows.map((r) => r.prompt)).toEqual(['p2', 'p1']);
    expect(rows[0]).toMatchObject({ error: 'boom', response: undefined });
    expect(rows[1]).toMatchObject({
      response: 'r1',
      inputTokens: 3,
      outputTokens: 4,
      cost: 0.5,
      durationMs: 1,
    });
    const db = new Database(callLogPath(ctx));
    expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: 1 });
    db.close();
  });

  it('limits to the newest N', async () => {
    const ctx = ctxWith();
    for (const n of [1, 2, 3]) await writeCall(ctx, rec(n));
    expect((await readCalls(ctx, { limit: 1 })).map((r) => r.prompt)).toEqual(['p3']);
  });

  it('writes nothing (not even the file) when switched off, and again when on', async () => {
    const ctx = ctxWith();
    await setLogging(ctx, false);
    expect(loggingEnabled(ctx)).toBe(false);
    await writeCall(ctx, rec(1));
    expect(existsSync(callLogPath(ctx))).toBe(false);
    await setLogging(ctx, true);
    await writeCall(ctx, rec(2));
    expect((await readCalls(ctx)).map((r) => r.prompt)).toEqual(['p2']);
  });

  it('config llm.log = false disables logging', async () => {
    const ctx = ctxWith({ llm: { log: false } });
    await writeCall(ctx, rec(1));
    expect(existsSync(callLogPath(ctx))).toBe(false);
  });

  it('honors llm.logPath relative to the project', async () => {
    const ctx = ctxWith({ llm: { logPath: 'sub/calls.db' } });
    await writeCall(ctx, rec(1));
    expect(existsSync(join(ctx.cwd, 'sub', 'calls.db'))).toBe(true);
  });

  it('reading a log that does not exist gives no rows', async () => {
    expect(await readCalls(ctxWith())).toEqual([]);
  });
});
