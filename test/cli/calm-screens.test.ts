import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runBin, runCli } from '../support/cli.js';
import { SPEC_READY, SPEC_TEXT } from '../support/plan-brainstorm.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';
import { HAS_TMUX, TMUX_BIN, type TmuxRun, tmuxSpecloop } from '../support/plan-tmux.js';
import { initRepo, writeFiles } from '../support/repo.js';
import { agentHandler, FIXTURE_TEST_CMD, makeProject } from '../support/run-fixtures.js';
import { expectGolden, expectNoWrappedOrRepeatedStatus, normaliseScreen } from '../support/screens.js';

const BUILT = existsSync(join(TMUX_BIN, '..', '..', 'dist', 'main.js'));
const SKIP = !HAS_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsup)' : '';
const FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const WIDTHS = [60, 100, 160];
const LONG_TITLES = [
  'Parse the bank CSV export into typed transactions with currency handling',
  'Group the transactions by month and category for the budget report',
];

/** A pack's total token count (its header carries the date) is left out of the golden screens. */
const packTotals = (screen: string) => screen.replace(/(· |file\(s\), )[\d,]+ tokens/g, '$1<N> tokens');

/** Poll the screen until the program exits; every capture is kept (the live line moves fast). */
async function watch(term: TmuxRun, timeoutMs = 60_000): Promise<string[]> {
  const shots: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await term.capture();
    shots.push(s);
    if (s.includes('EXIT=')) return shots;
    if (Date.now() > deadline) throw new Error(`timed out; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** The calm-terminal contract for one screen (tmux joins wrapped lines with -J, so a wrap shows as a long line). */
function expectCalm(shot: string, width: number) {
  const live = shot.split('\n').filter((l) => FRAMES.test(l));
  expect(live.length, shot).toBeLessThanOrEqual(1);
  for (const l of live) expect(l.length, l).toBeLessThan(width);
  // A warning is never glued to the status line.
  for (const l of shot.split('\n')) expect(l).not.toMatch(/\S(warning|error):/);
}

/**
 * Each command's last screen is also a golden screen (test/cli/__screens__/<cmd>-<width>.txt,
 * see test/support/screens.ts; `SPECLOOP_UPDATE_SCREENS=1` rewrites them).
 */
describe.skipIf(SKIP)(
  `a calm terminal at 60, 100 and 160 columns (tmux)${SKIP ? ` — skipped: ${SKIP}` : ''}`,
  // Each case has its own dir, fake model and tmux server and mostly waits on the screen:
  // they run side by side (cleanups after the block, not after each test).
  { concurrent: true, timeout: 90_000 },
  () => {
    const cleanups = useCleanups('all');
    const start = (dir: string, env: Record<string, string>, args: string[], width: number) => {
      const term = tmuxSpecloop({ cwd: dir, env, args, width, height: 30 });
      cleanups.push(() => term.close());
      return term;
    };

    for (const width of WIDTHS) {
      it(`run at ${width} columns: one status line, cut to the width; one final line per step`, async () => {
        const dir = cleanups.tmp('specloop-calm-run-');
        // A slow test command keeps the status line on screen long enough to be seen.
        makeProject(dir, {
          titles: LONG_TITLES,
          testCommand: `node -e "setTimeout(() => {}, 700)" && ${FIXTURE_TEST_CMD}`,
        });
        // tmux keeps its socket and script in the project: not the user's uncommitted work.
        appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
        const fake = await cleanups.fakeLlm(agentHandler());
        const term = start(dir, { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') }, ['run'], width);
        const shots = await watch(term);
        for (const s of shots) expectCalm(s, width);
        // At 60 columns the long titles do not fit: the live line is cut, not wrapped.
        if (width === 60)
          expect(shots.some((s) => s.split('\n').some((l) => FRAMES.test(l) && l.endsWith('…')))).toBe(true);
        const final = shots.at(-1)!;
        expect(final).toContain('EXIT=0');
        expect(final).not.toMatch(FRAMES);
        expect(final.match(/step 1\/2 \(#1/g)).toHaveLength(1);
        expect(final.match(/step 2\/2 \(#2/g)).toHaveLength(1);
        expectNoWrappedOrRepeatedStatus(final, width);
        expectGolden(`run-${width}`, normaliseScreen(final, dir));
      });

      it(`pack at ${width} columns: the file counter redraws in place`, async () => {
        const dir = cleanups.tmp('specloop-calm-pack-');
        const files: Record<string, string> = {};
        for (let i = 0; i < 400; i++)
          files[`src/module-with-a-long-name-${i}.js`] = `export const v${i} = ${i};\n`;
        initRepo(dir, files);
        // The tmux script holds the temp dir's name: not part of the pack (its tokens vary).
        appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
        const term = start(dir, { SPECLOOP_HOME: join(dir, '.home') }, ['pack', '-o', 'out.txt'], width);
        const shots = await watch(term);
        for (const s of shots) expectCalm(s, width);
        const final = shots.at(-1)!;
        expect(final).toContain('EXIT=0');
        expect(final).not.toMatch(/packing files… \d+\/\d+/);
        expectNoWrappedOrRepeatedStatus(final, width);
        expectGolden(`pack-${width}`, packTotals(normaliseScreen(final, dir)));
      });

      it(`plan and task at ${width} columns stay on one live line`, async () => {
        const dir = cleanups.tmp('specloop-calm-plan-');
        initRepo(dir, {
          'spec.md': '# Word counter\n\nA CLI that counts words.\n',
          'src/a.js': 'export {};\n',
        });
        appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
        const fake = await cleanups.fakeLlm([VALID_PLAN, VALID_TODO, '# demo\n\nCounts words.\n']);
        const env = { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') };
        const plan = await watch(start(dir, env, ['plan'], width));
        for (const s of plan) expectCalm(s, width);
        expect(plan.at(-1)).toContain('EXIT=0');
        expectNoWrappedOrRepeatedStatus(plan.at(-1)!, width);
        expectGolden(`plan-${width}`, normaliseScreen(plan.at(-1)!, dir));
        const task = await watch(start(dir, env, ['task', 'readme', '--yes'], width));
        for (const s of task) expectCalm(s, width);
        expect(task.at(-1)).toContain('EXIT=0');
        expect(task.at(-1)).not.toMatch(FRAMES);
        expectNoWrappedOrRepeatedStatus(task.at(-1)!, width);
        expectGolden(`task-${width}`, packTotals(normaliseScreen(task.at(-1)!, dir)));
      });
    }
  },
);

describe('without a terminal', () => {
  const cleanups = useCleanups();

  it('task prints a handful of progress lines, not one per packed file', async () => {
    const dir = cleanups.tmp('specloop-calm-pipe-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`src/f${i}.js`] = `export const v${i} = ${i};\n`;
    initRepo(dir, files);
    const fake = await cleanups.fakeLlm(['# demo\n\nSmall modules.\n']);
    const r = await runBin(['task', 'readme', '--yes'], {
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') },
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length, r.stderr).toBeLessThanOrEqual(6);
    expect(r.stderr).not.toMatch(/\r|\x1b\[/);
  });

  it('--no-color turns colour off like NO_COLOR does', async () => {
    const colours = async (flags: string[]) => {
      const dir = cleanups.tmp('specloop-calm-color-');
      writeFiles(dir, { 'answers.txt': 'Just me.\n' });
      const fake = await cleanups.fakeLlm(['Who will use it?', SPEC_READY, SPEC_TEXT]);
      const r = await runCli([...flags, 'idea', 'a budget CLI', '--answers', 'answers.txt'], {
        cwd: dir,
        env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') },
        stderrIsTTY: true,
      });
      expect(r.code, r.stderr).toBe(0);
      return /\x1b\[\d+m/.test(r.stderr);
    };
    expect(await colours([])).toBe(true);
    expect(await colours(['--no-color'])).toBe(false);
  });
});
