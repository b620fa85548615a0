import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../src/core/context.js';
import { createRunView } from '../../../src/core/run/progress-view.js';
import { displayWidth } from '../../../src/util/terminal.js';

const TITLE = 'Parse the bank CSV export into typed transactions with currency handling';

function recorder(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  const sink: Sink = { isTTY, columns, write: (s) => void chunks.push(s) };
  // What stays on the screen: each write after the last line clear.
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .map((l) => (l.includes('\x1b[2K') ? l.slice(l.lastIndexOf('\x1b[2K') + 4) : l));
  return { sink, lines };
}

function oneStep(sink: Sink, ok: boolean, attempts = 1) {
  const view = createRunView(sink);
  view.onEvent({ type: 'step-start', step: 1, title: TITLE, index: 1, total: 2 });
  view.onEvent(
    ok
      ? { type: 'step-end', step: 1, ok, attempts, commit: '4ebf725c0ffee' }
      : { type: 'step-end', step: 1, ok, attempts, reason: 'tests failed' },
  );
  view.summary({ dryRun: true } as never);
}

describe('the run view', () => {
  it("on a 60-column terminal a step's last line is one line: the title is cut, the commit kept", () => {
    const r = recorder(true, 60);
    oneStep(r.sink, true);
    const end = r.lines().find((l) => l.includes('committed'))!;
    expect(end).toBe('✔ step 1/2 (#1 Parse the bank CSV expo…): committed 4ebf725');
    expect(displayWidth(end)).toBeLessThan(60);
  });

  it('several attempts are said; a failure keeps its reason', () => {
    const r = recorder(true, 60);
    oneStep(r.sink, true, 2);
    expect(r.lines().find((l) => l.includes('committed'))).toBe(
      '✔ step 1/2 (#1 Parse the …): committed 4ebf725 (2 attempts)',
    );
    const f = recorder(true, 60);
    oneStep(f.sink, false, 3);
    const end = f.lines().find((l) => l.includes('failed'))!;
    expect(end).toBe('✖ step 1/2 (#1): failed after 3 attempt(s): tests failed');
    expect(displayWidth(end)).toBeLessThan(60);
  });

  it('a log keeps the whole title and the attempt count', () => {
    const r = recorder(false);
    oneStep(r.sink, true);
    expect(r.lines()).toContain(`step 1/2 (#1 ${TITLE}): committed 4ebf725 after 1 attempt(s)`);
  });
});
