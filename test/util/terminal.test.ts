import { describe, expect, it } from 'vitest';
import { createWordWrap, displayWidth, fitToWidth } from '../../src/util/terminal.js';

describe('terminal text helpers', () => {
  it('displayWidth ignores escape sequences and counts wide characters twice', () => {
    expect(displayWidth('\x1b[1mstep\x1b[22m')).toBe(4);
    expect(displayWidth('日本')).toBe(4);
  });

  it('fitToWidth keeps a short line and cuts a long one with an ellipsis', () => {
    expect(fitToWidth('step 1/4', 20)).toBe('step 1/4');
    const cut = fitToWidth('step 2/5 (#2 a very long title that goes on) · attempt 1/3', 20);
    expect(cut).toBe('step 2/5 (#2 a very…');
    expect(displayWidth(cut)).toBe(20);
    expect(fitToWidth('line one\nline two', 40)).toBe('line one line two');
  });

  it('createWordWrap breaks streamed text at spaces, never inside a word', () => {
    const w = createWordWrap({ columns: 20, column: 3, indent: 3 });
    const out =
      ['Which ba', 'nks should the CSV im', 'port support first?'].map((d) => w.push(d)).join('') + w.end();
    const lines = out.split('\n');
    expect(lines).toEqual(['Which banks', '   should the CSV', '   import support', '   first?']);
    for (const [i, l] of lines.entries()) expect(displayWidth(l) + (i === 0 ? 3 : 0)).toBeLessThanOrEqual(20);
  });
});
