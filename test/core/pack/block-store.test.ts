import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectStore } from '../../../src/core/pack/block-store.js';
import type { WirePacked } from '../../../src/core/pack/wire.js';
import { tempDir } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** `n` blocks of `size` bytes each ("<i>…" then a tail "\n"), as one batch buffer. */
function batch(n: number, size: number): { outcomes: WirePacked[]; bytes: Uint8Array; text: string } {
  let text = '';
  const outcomes: WirePacked[] = [];
  for (let i = 0; i < n; i++) {
    const body = `<${i}>`.padEnd(size - 1, String.fromCharCode(97 + (i % 26)));
    outcomes.push({
      path: `f${i}`,
      ok: true,
      tail: '\n',
      tokens: 1,
      chars: size,
      blockTokens: 1,
      cached: false,
      offset: text.length,
      textBytes: body.length,
      tailBytes: 1,
      textChars: body.length,
    } as WirePacked);
    text += `${body}\n`;
  }
  return { outcomes, bytes: Buffer.from(text), text };
}

function store(holdMax?: number) {
  const d = tempDir('specloop-store-');
  cleanups.push(d.cleanup);
  const out = join(d.dir, 'pack.xml');
  return { dir: d.dir, out, s: new DirectStore(out, () => 'HEADER-1\n', holdMax) };
}

describe('DirectStore', () => {
  it('holds the blocks and writes them once behind the final header', async () => {
    const { dir, out, s } = store();
    const b = batch(50, 100);
    for (const o of b.outcomes) s.put(o, b.bytes);
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['']); // nothing written yet
    await s.finish('THE FINAL HEADER\n', b.outcomes.at(-1), 'FOOTER');
    expect(readFileSync(out, 'utf8')).toBe(`THE FINAL HEADER\n${b.text.slice(0, -1)}\nFOOTER`);
    expect(readdirSync(dir)).toEqual(['pack.xml']);
  });

  it('streams once settled (blocks in reused chunks) and copies them behind a changed header', async () => {
    const { dir, out, s } = store();
    const b = batch(20, 50);
    for (const o of b.outcomes.slice(0, 10)) s.put(o, b.bytes);
    s.settle();
    for (const o of b.outcomes.slice(10)) s.put(o, b.bytes);
    await s.finish('NEW\n', b.outcomes.at(-1), 'END');
    expect(readFileSync(out, 'utf8')).toBe(`NEW\n${b.text.slice(0, -1)}\nEND`);
    expect(readdirSync(dir)).toEqual(['pack.xml']);
  });

  it('streams when the pack is too big to hold, and the output is the same', async () => {
    for (const header of ['HEADER-1\n', 'ANOTHER HEADER\n']) {
      const { out, s } = store(1024);
      const b = batch(3000, 2000); // 6 MB: past the chunk size and the hold limit
      for (const o of b.outcomes) s.put(o, b.bytes);
      await s.finish(header, b.outcomes.at(-1), 'END');
      expect(readFileSync(out, 'utf8')).toBe(`${header}${b.text.slice(0, -1)}\nEND`);
    }
  });

  it('writes the held blocks while the caller finishes the footer (begin), then closes', async () => {
    for (const final of ['HEADER-2\n', 'NOT THE ONE BEGUN\n']) {
      const { dir, out, s } = store();
      const b = batch(400, 300);
      for (const o of b.outcomes) s.put(o, b.bytes);
      s.begin('HEADER-2\n', b.outcomes.at(-1));
      await s.finish(final, b.outcomes.at(-1), 'END');
      expect(readFileSync(out, 'utf8')).toBe(`${final}${b.text.slice(0, -1)}\nEND`);
      expect(readdirSync(dir)).toEqual(['pack.xml']);
    }
  });

  it('leaves no file when the pack fails before it is finished, a write in flight or not', async () => {
    for (const begun of [false, true]) {
      const { dir, s } = store();
      const b = batch(500, 1000);
      for (const o of b.outcomes) s.put(o, b.bytes);
      if (begun) s.begin('H\n', b.outcomes.at(-1));
      await s.dispose();
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
