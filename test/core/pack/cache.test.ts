import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../../src/core/pack/cache.js';
import { tempDir } from '../../support/repo.js';

describe('the token cache log', () => {
  it('keeps checked lines only: a wrong or malformed checksum and a torn last line are ignored', async () => {
    const home = tempDir('specloop-cache-log-');
    try {
      const first = await TokenCache.load(home.dir);
      first.add([
        ['k1', 'v1'],
        ['k2', '12 34 =56'],
        ['k3', 'stamp=blob 1 2 3 s'],
      ]);
      await first.save();
      const log = join(home.dir, 'pack', 'tokens-v1.log');
      const lines = readFileSync(log, 'utf8').split('\n');
      expect(lines).toHaveLength(4); // three lines and the empty rest
      const wrong = lines[1]!.replace(
        /\t[0-9a-f]{8}$/,
        (c) => `\t${c.slice(2, 9)}${c[1] === '0' ? '1' : '0'}`,
      );
      const upper = lines[2]!.replace(/\t([0-9a-f]{8})$/, (_, c: string) =>
        `\t${c.toUpperCase()}x`.slice(0, 9),
      );
      mkdirSync(join(home.dir, 'pack'), { recursive: true });
      writeFileSync(log, `${lines[0]}\n${wrong}\n${upper}\n${lines[2]}\nk4\tv4\t0000`);
      const again = await TokenCache.load(home.dir);
      expect([...again.entries]).toEqual([
        ['k1', 'v1'],
        ['k3', 'stamp=blob 1 2 3 s'],
      ]);
    } finally {
      home.cleanup();
    }
  });

  it('saves staged entries (formatted during the run, not looked up in it) with the added ones', async () => {
    const home = tempDir('specloop-cache-stage-');
    try {
      const first = await TokenCache.load(home.dir);
      first.add([['h1', '7']]);
      first.stage([
        ['t1', '10 12 =40'],
        ['s1', ''],
      ]);
      first.stage([['t2', '3 4']]);
      expect(first.entries.has('t1')).toBe(false); // this run does not see them
      await first.save();
      const again = await TokenCache.load(home.dir);
      expect(new Map(again.entries)).toEqual(
        new Map([
          ['t1', '10 12 =40'],
          ['s1', ''],
          ['t2', '3 4'],
          ['h1', '7'],
        ]),
      );
      // an entry the log already holds is not written again
      again.stage([['t1', '10 12 =40']]);
      await again.save();
      expect(readFileSync(join(home.dir, 'pack', 'tokens-v1.log'), 'utf8').split('\n')).toHaveLength(5);
    } finally {
      home.cleanup();
    }
  });
});
