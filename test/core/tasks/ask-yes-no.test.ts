import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askYesNo } from '../../../src/core/tasks/index.js';

function ask(input: string) {
  let out = '';
  const sink = { write: (s: string) => void (out += s), isTTY: true };
  return askYesNo(Readable.from([input]), sink, 'Post 2 issues?').then((yes) => ({ yes, out }));
}

describe('askYesNo', () => {
  it('asks on the sink with a [y/N] default', async () => {
    expect((await ask('y\n')).out).toBe('Post 2 issues? [y/N] ');
  });

  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['\n', false],
    ['no\n', false],
    ['', false],
  ])('%j → %s', async (input, want) => {
    expect((await ask(input)).yes).toBe(want);
  });

  it('Ctrl-C (the signal aborting) ends a pending question with InterruptedError', async () => {
    const ac = new AbortController();
    let out = '';
    const asked = askYesNo(
      new PassThrough(),
      { write: (s) => void (out += s), isTTY: true },
      'Go?',
      ac.signal,
    );
    ac.abort();
    await expect(asked).rejects.toMatchObject({ name: 'InterruptedError' });
    expect(out).toBe('Go? [y/N] \n');
  });
});
