import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, WorkError } from '../errors.js';
import type { SessionState, TranscriptRecord } from './types.js';

/** `.specloop/brainstorm` under the project directory. */
export function brainstormDir(root: string): string {
  return join(root, '.specloop', 'brainstorm');
}

/** Sortable, readable session id: `20250131-142501-a3f9` (UTC). */
export function newSessionId(now: number): string {
  const iso = new Date(now).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Append one record and fsync before returning, so a kill -9 right after loses nothing.
 * One `write` per record: a crash mid-write leaves at most a torn last line, which
 * {@link loadTranscript} drops.
 */
export async function appendRecord(file: string, record: TranscriptRecord): Promise<void> {
  const fh = await open(file, 'a');
  try {
    await fh.write(`${JSON.stringify(record)}\n`);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Create a new session file with its start record. */
export async function createSession(
  dir: string,
  start: Omit<Extract<TranscriptRecord, { type: 'start' }>, 'type'>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${start.id}.jsonl`);
  await appendRecord(file, { type: 'start', ...start });
  return file;
}

/**
 * Read a transcript and rebuild the session. A torn last line (crash mid-append) is cut
 * off the file so the next append starts on a clean line; damage anywhere else is an error.
 */
export async function loadTranscript(file: string): Promise<SessionState> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  // Everything before the last newline was fully written; what follows it may be torn.
  const tail = lines.pop() ?? '';
  const records: TranscriptRecord[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as TranscriptRecord);
    } catch {
      throw new WorkError(`${file}:${i + 1}: damaged transcript line`, {
        code: 'E_TRANSCRIPT',
        hint: 'remove or fix that line, then resume again',
      });
    }
  }
  if (tail.trim() !== '') {
    let complete = false;
    try {
      records.push(JSON.parse(tail) as TranscriptRecord);
      complete = true;
    } catch {}
    if (complete) await appendFile(file, '\n');
    else await truncate(file, Buffer.byteLength(text) - Buffer.byteLength(tail));
  }
  return replay(records, file);
}

/** Fold records into the session state (the only place that knows what each record means). */
export function replay(records: TranscriptRecord[], file = 'transcript'): SessionState {
  const start = records[0];
  if (start?.type !== 'start')
    throw new WorkError(`${file} does not start with a session record`, { code: 'E_TRANSCRIPT' });
  const state: SessionState = {
    id: start.id,
    idea: start.idea,
    createdAt: start.at,
    output: start.output,
    turns: [],
  };
  for (const r of records.slice(1)) applyRecord(state, r);
  return state;
}

/** Apply one record to the state in place (also used live, right after each append). */
export function applyRecord(state: SessionState, r: TranscriptRecord): void {
  const last = state.turns[state.turns.length - 1];
  switch (r.type) {
    case 'question':
      if (last && last.answer === undefined) state.turns.pop();
      state.turns.push({ n: r.n, question: r.text });
      break;
    case 'answer':
      if (last && last.answer === undefined) Object.assign(last, { answer: r.text, skipped: r.skipped });
      break;
    case 'back': {
      if (last && last.answer === undefined) state.turns.pop();
      const prev = state.turns[state.turns.length - 1];
      if (prev) Object.assign(prev, { answer: undefined, skipped: undefined });
      state.done = undefined;
      break;
    }
    case 'done':
      state.done = r.reason;
      break;
    case 'spec':
      state.specPath = r.path;
      break;
  }
}

/** Session ids in a directory, newest first (ids sort by time). */
export async function listSessions(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .sort()
    .reverse();
}

/** The session to resume: the named one, or the newest that has not produced its spec yet. */
export async function findResumable(
  dir: string,
  id: string | true,
): Promise<{ file: string; state: SessionState }> {
  const ids = await listSessions(dir);
  if (typeof id === 'string') {
    const match = ids.filter((x) => x === id || x.startsWith(id));
    if (match.length !== 1)
      throw new UsageError(
        match.length === 0 ? `no brainstorm session "${id}"` : `"${id}" matches ${match.length} sessions`,
        { code: 'E_NO_SESSION', hint: sessionsHint(ids) },
      );
    const file = join(dir, `${match[0]}.jsonl`);
    const state = await loadTranscript(file);
    if (state.specPath)
      throw new UsageError(`session ${state.id} is already complete (it wrote ${state.specPath})`, {
        code: 'E_SESSION_DONE',
        hint: 'start a new one with `specloop idea "…"`',
      });
    return { file, state };
  }
  for (const candidate of ids) {
    const file = join(dir, `${candidate}.jsonl`);
    const state = await loadTranscript(file);
    if (!state.specPath) return { file, state };
  }
  throw new UsageError('no unfinished brainstorm to resume', {
    code: 'E_NO_SESSION',
    hint: 'start one with `specloop idea "what you want to build"`',
  });
}

function sessionsHint(ids: string[]): string {
  if (ids.length === 0) return 'there are no sessions here; start one with `specloop idea "…"`';
  return `known sessions (newest first): ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
}
