import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { git } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';
import { type FixtureStep, seedRepo, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';
import {
  axeViolations,
  cardColumn,
  hasChromium,
  launchBrowser,
  openBoardPage,
  SKIP_REASON,
  shot,
} from './browser.js';

/**
 * The review gate answered from the page: a real `specloop run --review` without a terminal
 * waits for the board; step 1 is accepted on its card, step 2 rejected with a comment on its
 * page — the run reruns it with the comment in the next prompt — then accepted.
 */
if (!hasChromium) console.warn(SKIP_REASON);

const PLAN: FixtureStep[] = [
  { title: 'write the config', actions: ['WRITE out/config.txt config'] },
  { title: 'write the report', deps: [1], actions: ['WRITE out/report.txt report'] },
];
const COMMENT = 'call the file the final report';

function recordedPrompt(dir: string, step: number, attempt: number): string | undefined {
  const runs = join(dir, '.specloop', 'runs');
  for (const run of existsSync(runs) ? readdirSync(runs) : []) {
    const f = join(runs, run, `step-${step}`, `attempt-${attempt}`, 'prompt.md');
    if (existsSync(f)) return readFileSync(f, 'utf8');
  }
  return undefined;
}

describe.skipIf(!hasChromium)('specloop board: the review gate (headless Chromium)', () => {
  const cleanups = useCleanups();
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('accept on a card lands the step; reject with a comment on the step page reruns it with that feedback', async () => {
    const root = cleanups.tmp('specloop-board-review-');
    const dir = join(root, 'repo');
    mkdirSync(dir);
    seedRepo(dir, PLAN, 'executor = "claude"\nmaxAttempts = 3\n');
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const { board, page, errors } = await openBoardPage(browser, cleanups, dir, env, {
      width: 1400,
      height: 900,
    });
    await page.goto(board.url);
    await page.waitForSelector('.card[data-step="2"]');
    const run = startSpecloop(['run', '--review'], { cwd: dir, env, timeoutMs: 150_000 });
    cleanups.push(async () => {
      try {
        process.kill(run.pid, 'SIGTERM');
      } catch {
        // already ended
      }
      await run.done.catch(() => {});
    });

    // Step 1 waits in the Review column, with the diff summary and the buttons.
    await expect.poll(() => cardColumn(page, 1), { timeout: 60_000 }).toBe('review');
    expect(await page.textContent('.card[data-step="1"] .review-wait')).toContain('1 file changed');
    expect(await page.textContent('.card[data-step="1"] .facts')).toContain('tests passed');
    expect(run.stderr()).toContain('waiting for review in `specloop board`');
    expect(run.stderr()).toContain(`open http://127.0.0.1:${board.port}/#/step/1`);
    expect(stepTrailers(dir, 'HEAD')).toEqual([]);
    await shot(page, 'board-review');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('.card[data-step="1"] [data-review="accept"]');
    await expect
      .poll(() => page.textContent('#toast'), { timeout: 10_000 })
      .toContain('step 1 accepted by board');
    await expect.poll(() => cardColumn(page, 1), { timeout: 30_000 }).toBe('landed');
    expect(stepTrailers(dir, 'HEAD')).toEqual([1]);

    // Step 2: its page shows the change waiting (stat, test result, the diff), rejected with a comment.
    await expect.poll(() => cardColumn(page, 2), { timeout: 60_000 }).toBe('review');
    await page.goto(`${board.url}#/step/2`);
    await page.waitForSelector('#h-review');
    expect(await page.textContent('#h-review')).toContain('attempt 1');
    expect(await page.textContent('.review-stat')).toContain('out/report.txt');
    await page.waitForSelector('#review-diff .d2h-file-wrapper');
    expect(await page.textContent('#review-diff')).toContain('out/report.txt');
    await page.fill('#rc-p-2', COMMENT);
    await shot(page, 'step-review');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('.review-section form.review-form button[type="submit"]');
    await expect
      .poll(() => page.textContent('#toast'), { timeout: 10_000 })
      .toContain(`step 2 rejected by board: ${COMMENT}`);

    // The run reruns step 2: attempt 2's prompt carries the comment, and it waits again.
    await expect
      .poll(() => page.textContent('#h-review').catch(() => ''), { timeout: 60_000 })
      .toContain('attempt 2');
    const prompt = recordedPrompt(dir, 2, 2);
    expect(prompt).toContain(`a reviewer rejected this change: ${COMMENT}`);
    expect(recordedPrompt(dir, 2, 1)).not.toContain(COMMENT);
    expect(stepTrailers(dir, 'HEAD')).toEqual([1]);
    await page.click('.review-section [data-review="accept"]');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`step 2: rejected by board: ${COMMENT}`);
    expect(stepTrailers(dir, 'HEAD')).toEqual([1, 2]);
    expect(git(dir, 'log', '-1', '--format=%s')).toMatch(/^step 2: write the report/);
    await page.goto(`${board.url}#/board`);
    await expect.poll(() => cardColumn(page, 2), { timeout: 10_000 }).toBe('landed');
    expect(await page.$('.column[data-column="review"]')).toBeNull();
    expect(existsSync(join(dir, '.specloop', 'review'))).toBe(true);
    expect(
      readdirSync(join(dir, '.specloop', 'review'), { recursive: true }).filter((f) =>
        String(f).endsWith('.json'),
      ),
    ).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);
});
