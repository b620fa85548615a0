import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendRecord,
  createSession,
  findResumable,
  loadTranscript,
  newSessionId,
  replay,
} from '../../../src/core/brainstorm/transcript.js';
import type { TranscriptRecord } from '../../../src/core/brainstorm/types.js';
import { WorkError } from '../../../src/core/errors.js';
import { useCleanups } from '../../support/cleanups.js';

const start: TranscriptRecord = { type: 'start', id: 's1', idea: 'an idea', at: 0 };
const q = (n: number, text = `q${n}`): TranscriptRecord => ({ type: 'question', n, text, at: 0 });
const a = (n: number, text = `a${n}`): TranscriptRecord => ({ type: 'answer', n, text, at: 0 });

describe('transcript replay', () => {
  it('pairs questions with answers and leaves the last question pending', () => {
    const s = replay([start, q(1), a(1), q(2)]);
    expect(s.turns).toEqual([
      { n: 1, question: 'q1', answer: 'a1', skipped: undefined },
      { n: 2, question: 'q2' },
    ]);
  });

  it('back drops the pending question and re-opens the previous answer', () => {
    const s = replay([start, q(1), a(1), q(2), { type: 'back', at: 0 }]);
    expect(s.turns).toEqual([{ n: 1, question: 'q1', answer: undefined, skipped: undefined }]);
  });

  it('done and spec records finish the session', () => {
    const s = replay([
      start,
      q(1),
      a(1),
      { type: 'done', reason: 'user', at: 0 },
      { type: 'spec', path: 'spec.md', at: 0 },
    ]);
    expect(s.done).toBe('user');
    expect(s.specPath).toBe('spec.md');
  });

  it('a file that does not start with a session record is an error', () => {
    expect(() => replay([q(1)])).toThrow(WorkError);
  });
});

describe('transcript files', () => {
  const cleanups = useCleanups();
  const dir = (): string => cleanups.tmp();

  it('session ids sort by time', () => {
    const ids = [newSessionId(Date.UTC(2025, 0, 2)), newSessionId(Date.UTC(2024, 11, 31, 23, 59, 59))];
    expect(ids[0]).toMatch(/^20250102-000000-[0-9a-f]{4}$/);
    expect([...ids].sort()).toEqual([ids[1], ids[0]]);
  });

  it('appends one JSON line per record and reads them back', async () => {
    const d = dir();
    const file = await createSession(d, { id: 's1', idea: 'x', at: 5 });
    await appendRecord(file, q(1));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    expect((await loadTranscript(file)).turns).toEqual([{ n: 1, question: 'q1' }]);
  });

  it('a torn last line is cut off the file so the next append is clean', async () => {
    const d = dir();
    const file = await createSession(d, { id: 's1', idea: 'x', at: 5 });
    await appendRecord(file, q(1));
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"type":"answer","n":1,"te`);
    expect((await loadTranscript(file)).turns).toEqual([{ n: 1, question: 'q1' }]);
    expect(readFileSync(file, 'utf8').endsWith('"q1","at":0}\n')).toBe(true);
  });

  it('a complete last record missing only its newline is kept', async () => {
    const d = dir();
    const file = await createSession(d, { id: 's1', idea: 'x', at: 5 });
    writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify(q(1))}`);
    expect((await loadTranscript(file)).turns).toHaveLength(1);
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('a damaged line in the middle is an error naming the line', async () => {
    const d = dir();
    const file = join(d, 'x.jsonl');
    writeFileSync(file, `${JSON.stringify(start)}\n{broken\n${JSON.stringify(q(1))}\n`);
    await expect(loadTranscript(file)).rejects.toThrow(/x\.jsonl:2: damaged transcript line/);
  });

  it('findResumable picks the newest unfinished session, or the named one', async () => {
    const d = dir();
    const old = await createSession(d, { id: '20240101-000000-aaaa', idea: 'old', at: 1 });
    const done = await createSession(d, { id: '20250101-000000-bbbb', idea: 'done', at: 2 });
    await appendRecord(done, { type: 'spec', path: 'spec.md', at: 3 });
    expect((await findResumable(d, true)).file).toBe(old);
    await expect(findResumable(d, '20250101')).rejects.toThrow(/already complete/);
    await expect(findResumable(d, 'nope')).rejects.toThrow(/no brainstorm session "nope"/);
  });
});
