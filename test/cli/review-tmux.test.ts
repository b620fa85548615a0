import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { HAS_TMUX, TMUX_BIN, tmuxSpecloop } from '../support/plan-tmux.js';
import {
  agentHandler,
  FIXTURE_TEST_CMD,
  history,
  makeProject,
  TITLES,
  ticked,
} from '../support/run-fixtures.js';
import { answer, waitForReview } from './review-support.js';

const BUILT = existsSync(join(TMUX_BIN, '..', '..', 'dist', 'main.js'));
const SKIP = !HAS_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsup)' : '';

describe.skipIf(SKIP)(`run --review in a terminal (tmux)${SKIP ? ` — skipped: ${SKIP}` : ''}`, () => {
  const cleanups = useCleanups();

  it('accept lands a step; d shows the diff; reject sends the comment as feedback; q stops with the resume command', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-'));
    appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
    const fake = await cleanups.fakeLlm(agentHandler());
    const term = tmuxSpecloop({
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.home'), PAGER: 'cat' },
      args: ['run', '--review'],
    });
    cleanups.push(() => term.close());
    await term.waitFor('review step 1: First function (attempt 1)');
    const screen = await term.waitFor(/\[a\]ccept.*›/);
    expect(screen).toMatch(/src\/step1\.js +\| 3 \+\+\+/);
    expect(screen).toContain(`tests passed: ${FIXTURE_TEST_CMD}`);
    term.line('d');
    await term.waitFor('+export function step1() {');
    term.line('a');
    await term.waitFor('review step 2: Second function (attempt 1)');
    term.line('r');
    await term.waitFor('what should change?');
    term.line('name the constant TWO');
    await term.waitFor('review step 2: Second function (attempt 2)');
    term.line('a');
    await term.waitFor('review step 3: Third function (attempt 1)');
    term.line('q');
    const end = await term.waitFor('EXIT=');
    expect(end).toContain('EXIT=130');
    expect(end).toContain('resume with: specloop run --review');
    expect(ticked(dir)).toEqual([1, 2]);
    expect(history(dir).slice(-2)).toEqual([
      `step 1: ${TITLES[0]}|1|prompt_plan`,
      `step 2: ${TITLES[1]}|2|prompt_plan`,
    ]);
    // The rejection reached the next attempt as a reviewer's note.
    const prompts = fake.requests.map((r) => r.messages.map((m) => m.content).join('\n'));
    expect(prompts.some((p) => p.includes('a reviewer rejected this change: name the constant TWO'))).toBe(
      true,
    );
  });
  it('with --parallel 2, steps that finish together are reviewed one at a time', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-par-'), { deps: { 2: [], 3: [] } });
    appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
    const fake = await cleanups.fakeLlm(agentHandler());
    const term = tmuxSpecloop({
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') },
      args: ['run', '--parallel', '2', '--review'],
      height: 60,
    });
    cleanups.push(() => term.close());
    for (let i = 0; i < 3; i++) {
      await term.waitFor(new RegExp(`(review step \\d[^]*){${i + 1}}\\[a\\]ccept[^]*›\\s*$`));
      // Exactly one question is open at a time.
      expect(term.screen().match(/› *$/gm)?.length ?? 0).toBeLessThanOrEqual(i + 1);
      term.line('a');
    }
    const end = await term.waitFor('EXIT=');
    expect(end, end).toContain('EXIT=0');
    // A step finishing beside the open question is noted above it, never glued after the ›.
    expect(end).not.toMatch(/› *\S*step \d+:/);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });
  it('the board answers first: the terminal question is withdrawn, the run goes on; a late board click is told who won', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-race-'), { titles: TITLES.slice(0, 2) });
    appendFileSync(join(dir, '.git', 'info', 'exclude'), '.tmux-*\n');
    const fake = await cleanups.fakeLlm(agentHandler());
    const term = tmuxSpecloop({
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.home') },
      args: ['run', '--review'],
    });
    cleanups.push(() => term.close());
    await term.waitFor(/review step 1[\s\S]*\[a\]ccept.*›/);
    const p1 = await waitForReview(dir, 1);
    expect(p1.terminal).toBe(true);
    await answer(dir, p1, { action: 'accept' }, 'board');
    await term.waitFor('step 1: accepted by board');
    await term.waitFor(/review step 2[\s\S]*\[a\]ccept.*›/);
    const p2 = await waitForReview(dir, 2);
    term.line('a');
    const end = await term.waitFor('EXIT=');
    expect(end).toContain('EXIT=0');
    // The terminal was first for step 2: the board's click now finds nothing waiting.
    await expect(answer(dir, p2, { action: 'reject', comment: 'late' })).rejects.toMatchObject({
      code: 'E_NO_REVIEW',
    });
    expect(ticked(dir)).toEqual([1, 2]);
  });
});

// --review without a terminal waits for `specloop board`: test/cli/review-board.test.ts.
describe('run --redo without a terminal', () => {
  const cleanups = useCleanups();

  it('run --step N --redo undoes the landed step and runs it again in one go', async () => {
    const dir = makeProject(cleanups.tmp('specloop-redo-'));
    const fake = await cleanups.fakeLlm(agentHandler());
    const cli = (args: string[]) =>
      runCli(args, { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() } });
    expect((await cli(['run'])).code).toBe(0);
    const r = await cli(['run', '--step', '2', '--redo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('undid step 2');
    expect(history(dir).slice(-2)).toEqual([
      `undo step 2: ${TITLES[1]}||prompt_plan`,
      `step 2: ${TITLES[1]}|2|prompt_plan`,
    ]);
    expect(ticked(dir)).toEqual([1, 2, 3]);
    const bad = await cli(['run', '--redo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--redo needs --step N');
  });
});
