import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../src/util/read-all.js';

describe('readAll', () => {
  it('keeps a character whole when its bytes arrive in two chunks', async () => {
    const bytes = Buffer.from('café ✓', 'utf8');
    const cut = bytes.indexOf(0xa9); // the second byte of "é"
    const stream = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(await readAll(stream)).toBe('café ✓');
  });

  it('accepts string chunks too', async () => {
    expect(await readAll(Readable.from(['a', 'b']))).toBe('ab');
  });
});
