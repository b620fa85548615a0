import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { SPEC_TEXT } from '../support/plan-brainstorm.js';
import { HAS_TMUX, TMUX_BIN, tmuxSpecloop } from '../support/plan-tmux.js';
import { expectGolden, normaliseScreen } from '../support/screens.js';

/**
 * Golden screens of one `specloop idea` session in tmux at 60, 100 and 160 columns: the
 * whole pane, byte for byte, after the volatile parts (session id, temp paths, timings)
 * are replaced by placeholders. Regenerate after an intended change of the screen with
 * `SPECLOOP_UPDATE_SCREENS=1 npx vitest run test/cli/idea-screens.test.ts` and review the diff.
 */
const BUILT = existsSync(join(TMUX_BIN, '..', '..', 'dist', 'main.js'));
const SKIP = !HAS_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsup)' : '';

const Q1 =
  'Which bank export formats should the import understand first, and should it guess the columns or ask you to map them?';
const Q2 = 'Who will use it, and on which platforms?';

/** One session at `width` columns, to its end: the normalised screen. */
async function session(cleanups: ReturnType<typeof useCleanups>, width: number): Promise<string> {
  const dir = cleanups.tmp('specloop-idea-screen-');
  const home = cleanups.tmp('specloop-home-');
  const fake = await cleanups.fakeLlm([Q1, Q2, SPEC_TEXT]);
  const term = tmuxSpecloop({
    cwd: dir,
    env: { ...fake.env(), SPECLOOP_HOME: home },
    args: ['idea', 'a budget CLI for bank CSV exports'],
    width,
    height: 30,
  });
  cleanups.push(() => term.close());
  await term.waitFor('(empty line sends');
  term.line('Just me, on Linux.');
  term.line('');
  await term.waitFor(`Q2 ${Q2}`);
  term.line('/done');
  return normaliseScreen(await term.waitFor('EXIT='), dir);
}

describe.skipIf(SKIP)(`specloop idea screens, golden (tmux)${SKIP ? ` — skipped: ${SKIP}` : ''}`, () => {
  const cleanups = useCleanups();

  it('at 60, 100 and 160 columns the session matches __screens__/idea-<width>.txt byte for byte', async () => {
    const widths = [60, 100, 160];
    // The three terminals run side by side: the test takes as long as one session.
    const screens = await Promise.all(widths.map((w) => session(cleanups, w)));
    widths.forEach((width, i) => {
      const screen = screens[i]!;
      expect(screen).toContain('EXIT=0');
      for (const l of screen.split('\n')) expect(l.length, l).toBeLessThanOrEqual(width);
      expectGolden(`idea-${width}`, screen);
    });
    // The long question wraps at 60 and 100 columns, and fits on one line at 160.
    expect(screens.map((s) => s.split('\n').filter((l) => l.startsWith('   ')).length)).toEqual([2, 1, 0]);
  });
});
