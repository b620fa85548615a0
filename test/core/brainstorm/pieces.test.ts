import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMessages, SKIPPED_ANSWER } from '../../../src/core/brainstorm/conversation.js';
import {
  fileAnswers,
  hasSpecReady,
  markerFilter,
  numberedPath,
  parseReply,
} from '../../../src/core/brainstorm/index.js';
import type { LlmMessage } from '../../../src/core/llm/types.js';
import { useCleanups } from '../../support/cleanups.js';
import { tempDir } from '../../support/repo.js';

describe('end signal', () => {
  it('is detected on a line of its own, also in bold or code', () => {
    expect(hasSpecReady('<<SPEC_READY>>')).toBe(true);
    expect(hasSpecReady('Thanks!\n**<<SPEC_READY>>**\n')).toBe(true);
    expect(hasSpecReady('`<<SPEC_READY>>`')).toBe(true);
    expect(hasSpecReady('I will say <<SPEC_READY>> when done. What is X?')).toBe(false);
  });

  it('the stream filter never shows the signal, even split across deltas', () => {
    let shown = '';
    const f = markerFilter((t) => (shown += t));
    for (const d of ['Thanks.\n<<SPEC', '_REA', 'DY>>', '\n']) f.push(d);
    f.flush();
    expect(shown).toBe('Thanks.\n');
  });

  it('the stream filter passes ordinary text through as it arrives', () => {
    let shown = '';
    const f = markerFilter((t) => (shown += t));
    f.push('What ');
    expect(shown).toBe('What ');
    f.push('is <<it>>?');
    f.flush();
    expect(shown).toBe('What is <<it>>?');
  });
});

describe('answers', () => {
  it('one answer per paragraph; commands alone on a paragraph', async () => {
    const src = fileAnswers('first\nline two\n\n\n/skip\n\n/usr/bin is fine\r\n\r\n/done\n');
    const q = { n: 1, question: 'q' };
    expect(await src.next(q)).toEqual({ kind: 'answer', text: 'first\nline two' });
    expect(await src.next(q)).toEqual({ kind: 'command', name: 'skip' });
    expect(await src.next(q)).toEqual({ kind: 'answer', text: '/usr/bin is fine' });
    expect(await src.next(q)).toEqual({ kind: 'command', name: 'done' });
    expect(await src.next(q)).toEqual({ kind: 'eof' });
  });

  it('unknown slash words are answers', () => {
    expect(parseReply('/nope')).toEqual({ kind: 'answer', text: '/nope' });
  });
});

const text = (m: LlmMessage | undefined) => (m && 'content' in m ? m.content : undefined);

describe('compile messages', () => {
  const turns = [
    { n: 1, question: 'q1', answer: 'a1' },
    { n: 2, question: 'q2', answer: '', skipped: true },
    { n: 3, question: 'q3' },
  ];

  it('keep user/assistant alternating when the person stopped at a pending question', () => {
    const m = compileMessages('open', turns, 'user', 'COMPILE');
    expect(m.map((x) => x.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(text(m[4])).toBe(SKIPPED_ANSWER);
    expect(text(m.at(-1))).toMatch(/^Let's stop the questions here\.\n\nCOMPILE$/);
  });

  it('after the model signalled the end, the signal is its last message', () => {
    const m = compileMessages('open', turns.slice(0, 2), 'model', 'COMPILE');
    expect(m.slice(-2)).toEqual([
      { role: 'assistant', content: '<<SPEC_READY>>' },
      { role: 'user', content: 'COMPILE' },
    ]);
  });

  it('after the question cap, the note joins the last answer', () => {
    const m = compileMessages('open', turns.slice(0, 1), 'max', 'COMPILE');
    expect(m.map((x) => x.role)).toEqual(['user', 'assistant', 'user']);
    expect(text(m[2])).toMatch(/^a1\n\nThat was the last question/);
  });
});

describe('numberedPath', () => {
  const cleanups = useCleanups();

  it('finds the first free spec.<n>.md', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFileSync(join(t.dir, 'spec.md'), 'x');
    writeFileSync(join(t.dir, 'spec.2.md'), 'x');
    const p = numberedPath(join(t.dir, 'spec.md'));
    expect(p).toBe(join(t.dir, 'spec.3.md'));
    expect(existsSync(p)).toBe(false);
  });
});
