import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendRecord,
  createReplayer,
  type NormalisedRequest,
  type RecordLine,
} from '../../../src/core/llm/recording.js';
import { useCleanups } from '../../support/cleanups.js';
import { tempDir } from '../../support/repo.js';

const cleanups = useCleanups();

const answer = (text: string) => ({
  text,
  toolCalls: [],
  usage: { inputTokens: 1, outputTokens: 1 },
  model: 'm',
  finishReason: 'stop',
});

/** A request after a tool round trip: the tool output and user text carry timings. */
function afterTests(ms: string, toolCall = 'run_tests'): NormalisedRequest {
  return {
    model: 'openai:gpt-4o-mini',
    messages: [
      { role: 'user', content: 'do step 1' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: toolCall, input: {} }] },
      {
        role: 'tool',
        results: [{ toolCallId: 'c1', toolName: toolCall, output: `ok 1 - adds\n# duration_ms ${ms}` }],
      },
      { role: 'user', content: `tests took ${ms} ms` },
    ],
  };
}

function recording(lines: Array<[NormalisedRequest, string]>): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'rec.jsonl');
  const rows: RecordLine[] = lines.map(([request, text]) => ({
    v: 1,
    time: '',
    stream: false,
    request,
    response: answer(text),
  }));
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  return file;
}

describe('replay matching', () => {
  it('answers a request whose tool output and numbers differ from the recording (timings)', () => {
    const r = createReplayer(recording([[afterTests('41.2'), 'finished']]));
    expect(r.answer(afterTests('57.9')).text).toBe('finished');
  });

  it('prefers an exact match over an earlier loose one', () => {
    const r = createReplayer(
      recording([
        [afterTests('1'), 'loose'],
        [afterTests('2'), 'exact'],
      ]),
    );
    expect(r.answer(afterTests('2')).text).toBe('exact');
  });

  it('still refuses when the model decided differently (another tool call)', () => {
    const r = createReplayer(recording([[afterTests('1'), 'x']]));
    expect(() => r.answer(afterTests('1', 'read_file'))).toThrow(/no answer for this request/);
  });
});

describe('a recording cut by a crash mid-append', () => {
  const row = (text: string): RecordLine => ({
    v: 1,
    time: '',
    stream: false,
    request: afterTests('1'),
    response: answer(text),
  });

  it('replays, ignoring the torn last line', () => {
    const file = recording([[afterTests('1'), 'whole']]);
    appendFileSync(file, `\n${JSON.stringify(row('torn')).slice(0, 40)}`);
    const r = createReplayer(file);
    expect(r.answer(afterTests('1')).text).toBe('whole');
    expect(() => r.answer(afterTests('1'))).toThrow(/no answer for this request/);
  });

  it('recording again drops the torn line instead of gluing onto it', () => {
    const file = recording([[afterTests('1'), 'first']]);
    appendFileSync(file, `\n${JSON.stringify(row('torn')).slice(0, 40)}`);
    appendRecord(file, row('second'));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RecordLine).response.text)).toEqual(['first', 'second']);
  });

  it('recording onto a whole last line that only lacks its newline keeps it', () => {
    const file = recording([[afterTests('1'), 'first']]);
    appendRecord(file, row('second'));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RecordLine).response.text)).toEqual(['first', 'second']);
  });
});
