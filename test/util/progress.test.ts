import { describe, expect, it } from 'vitest';
import type { Sink } from '../../src/core/context.js';
import { calmSink, createProgress } from '../../src/util/progress.js';

function recorder(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const sink: Sink = { isTTY, columns, write: (s) => void chunks.push(s) };
  return { sink, chunks, text: () => chunks.join('') };
}

describe('createProgress', () => {
  it('on a terminal, the status line is cut to the width and redrawn in place', () => {
    const r = recorder(true, 30);
    const p = createProgress(calmSink(r.sink), { intervalMs: 10_000 });
    p.start('step 1/4 (#1 a title long enough to wrap a narrow terminal)');
    p.update('step 1/4 · tests: npm test · 1.2k tok');
    p.succeed('step 1/4: committed');
    for (const c of r.chunks.filter((c) => c.startsWith('\r\x1b[2K') && c.length > 5)) {
      expect([...c.replace('\r\x1b[2K', '')].length).toBeLessThanOrEqual(29);
    }
    expect(r.text()).toContain('…');
    expect(r.text()).not.toContain('\n\r'); // no line left behind per frame
    expect(r.text().endsWith('✔ step 1/4: committed\n')).toBe(true);
  });

  it('a warning written during progress goes on its own line above the status line', () => {
    const r = recorder(true, 80);
    const sink = calmSink(r.sink);
    const p = createProgress(sink, { intervalMs: 10_000 });
    p.start('packing files… 3/10');
    sink.write('warning: connect ECONNREFUSED\n');
    p.stop();
    const t = r.text();
    // The warning starts after the line was cleared, and the status is drawn again after it.
    expect(t).toMatch(
      /packing files… 3\/10\r\x1b\[2Kwarning: connect ECONNREFUSED\n\r\x1b\[2K⠙ packing files… 3\/10/,
    );
  });

  it('a note written while a question waits on the last line goes above it, and the question is redrawn', () => {
    const r = recorder(true, 80);
    const sink = calmSink(r.sink);
    sink.write('[a]ccept  [d]iff › ');
    let redrawn = 0;
    const release = sink.above!(() => {
      redrawn++;
      r.sink.write('[a]ccept  [d]iff › ');
    });
    sink.status?.('step 2 · tests'); // a status line never draws over the question
    sink.write('step 2: tests green\n');
    release();
    expect(redrawn).toBe(1);
    expect(r.text()).toBe('[a]ccept  [d]iff › \r\x1b[2Kstep 2: tests green\n[a]ccept  [d]iff › ');
    sink.status?.(undefined);
  });

  it('TERM=dumb never animates: plain lines only', () => {
    const r = recorder(true, 80);
    const p = createProgress(calmSink(r.sink, { env: { TERM: 'dumb' } }));
    p.start('packing files…');
    p.succeed('packed 3 files');
    expect(r.text()).toBe('packing files…\npacked 3 files\n');
  });

  it('without a terminal, updates are printed at most every 10 s', () => {
    const r = recorder(false);
    let t = 0;
    const p = createProgress(r.sink, { now: () => t });
    p.start('packing files…');
    for (let i = 1; i <= 12978; i++) {
      t += 2; // 26 s in all
      p.update(`packing files… ${i}/12978`);
    }
    p.succeed('packed 12978 files');
    const lines = r.text().trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines[0]).toBe('packing files…');
    expect(lines.at(-1)).toBe('packed 12978 files');
  });
});
