import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeFields } from '../../src/util/terminal-safe.js';

describe('terminalSafe', () => {
  it.each([
    ['OSC 52 clipboard write (BEL)', 'a\x1b]52;c;cm0gLXJmIH4=\x07b', 'ab'],
    ['OSC 52 clipboard write (ST)', 'a\x1b]52;c;cm0gLXJmIH4=\x1b\\b', 'ab'],
    ['window title', '\x1b]0;pwned\x07ok', 'ok'],
    ['hyperlink', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', 'click'],
    ['colour and cursor moves', '\x1b[31mred\x1b[0m\x1b[2K\x1b[1A', 'red'],
    ['one-byte CSI and carriage return', 'x\x9b2Jy\rz', 'x2Jyz'],
    ['DCS', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
    ['bidi override', 'if (a\u202e) {', 'if (a) {'],
  ])('removes %s', (_name, input, out) => {
    expect(terminalSafe(input)).toBe(out);
  });

  it('keeps newlines, tabs and ordinary unicode', () => {
    expect(terminalSafe('line 1\n\tline 2 — ✔ ünïcode')).toBe('line 1\n\tline 2 — ✔ ünïcode');
  });

  it('a sequence split across two stream chunks cannot be assembled', () => {
    const chunks = ['Which database?\x1b', ']52;c;ZXZpbA==\x07 Postgres?'].map(terminalSafe);
    expect(chunks.join('')).not.toContain('\x1b');
    expect(chunks.join('')).not.toContain('\x07');
  });

  it('cleans every string of an event, nested ones too', () => {
    expect(
      terminalSafeFields({ type: 'show', n: 2, turns: [{ question: 'Q\x1b[2J?', answer: 'a\x07' }] }),
    ).toEqual({ type: 'show', n: 2, turns: [{ question: 'Q?', answer: 'a' }] });
  });
});
