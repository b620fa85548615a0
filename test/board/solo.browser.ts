import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { git } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';
import { type FixtureStep, seedRepo } from '../support/team-fixtures.js';
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
 * `specloop board` for one person, in headless Chromium: a real `specloop run` (the
 * stand-in `claude` applies each step's action lines) lands a 4-step plan while the page
 * is open; the cards move without a reload. Needs the built binary (`npx tsup`).
 */
if (!hasChromium) console.warn(SKIP_REASON);

const PLAN: FixtureStep[] = [
  { title: 'parse the config', actions: ['SLEEP 900', 'COST 0.04', 'WRITE out/config.txt config'] },
  {
    title: 'read the input',
    deps: [1],
    actions: ['SLEEP 900', 'WRITE out/input.ts export const input: string = "input"; // read once'],
  },
  { title: 'write the report', deps: [1], actions: ['SLEEP 900', 'WRITE out/report.txt report'] },
  { title: 'command line', deps: [2, 3], actions: ['SLEEP 900', 'WRITE out/cli.txt cli'] },
];

/** The attempt records of `step` in the one run that made them: attempt.json and test-output.txt. */
function stepRecords(dir: string, step: number) {
  const runs = join(dir, '.specloop', 'runs');
  const withStep = readdirSync(runs).filter((r) => existsSync(join(runs, r, `step-${step}`)));
  expect(withStep).toHaveLength(1);
  const sdir = join(runs, withStep[0] as string, `step-${step}`);
  return readdirSync(sdir)
    .sort()
    .map((a) => ({
      meta: JSON.parse(readFileSync(join(sdir, a, 'attempt.json'), 'utf8')),
      tests: readFileSync(join(sdir, a, 'test-output.txt'), 'utf8'),
    }));
}

describe.skipIf(!hasChromium)('specloop board, solo (headless Chromium)', () => {
  const cleanups = useCleanups();
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  const setup = (steps: FixtureStep[]) => {
    const root = cleanups.tmp('specloop-board-');
    const dir = join(root, 'repo');
    mkdirSync(dir);
    seedRepo(dir, steps, 'executor = "claude"\nmaxAttempts = 2\n');
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    return { dir, env };
  };

  it('shows a run live: cards move to Landed as the commits land, without a reload', async () => {
    const { dir, env } = setup(PLAN);
    const { board, page, errors } = await openBoardPage(browser, cleanups, dir, env, {
      width: 1400,
      height: 900,
    });
    await page.goto(board.url);
    await page.waitForSelector('.card[data-step="4"]');
    expect(await cardColumn(page, 1)).toBe('ready');
    expect(await cardColumn(page, 4)).toBe('blocked');
    await page.evaluate('window.loadedOnce = 1');
    const run = startSpecloop(['run'], { cwd: dir, env });
    // Watch the page: every card must pass through Landed, in an order the DAG allows.
    const seen: Record<number, string[]> = { 1: [], 2: [], 3: [], 4: [] };
    let midShot = false;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      for (const n of [1, 2, 3, 4]) {
        const col = await cardColumn(page, n);
        if (col && seen[n]!.at(-1) !== col) seen[n]!.push(col);
      }
      if (!midShot && seen[1]!.includes('landed') && (await page.$('.column[data-column="running"] .card'))) {
        await shot(page, 'board-running');
        midShot = true;
      }
      if ([1, 2, 3, 4].every((n) => seen[n]!.at(-1) === 'landed')) break;
      await page.waitForTimeout(150);
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    for (const n of [1, 2, 3, 4]) expect(seen[n]!.at(-1), `step ${n}: ${seen[n]}`).toBe('landed');
    // Each card was seen before it landed (live, not just the end state), and running at some point.
    expect(seen[4]![0]).toBe('blocked');
    expect(Object.values(seen).some((cols) => cols.includes('running'))).toBe(true);
    expect(await page.evaluate('window.loadedOnce')).toBe(1);
    // The landed card names the commit git has for the step.
    const sha = git(dir, 'log', '-1', '--format=%h', '--grep=^Specloop-Step: 4');
    await expect
      .poll(() => page.textContent('.card[data-step="4"] .landed'), { timeout: 5000 })
      .toContain(sha.slice(0, 7));
    await shot(page, 'board');
    expect(await axeViolations(page)).toEqual([]);
    // A card's facts: attempt k of n, the test result and its time, tokens and cost.
    expect(await page.textContent('.card[data-step="1"] .facts')).toMatch(
      /attempt 1 of 2 · tests passed in \d+(\.\d)? m?s · 10 in \/ 5 out · \$0\.04/,
    );

    // The step page: prompt, and the landed commit's diff rendered by diff2html.
    await page.click('.card[data-step="2"] .card-link');
    await page.waitForSelector('.d2h-file-wrapper');
    expect(await page.textContent('.prompt')).toContain('WRITE out/input.ts export const input');
    expect(await page.textContent('.commit')).toContain(
      git(dir, 'log', '-1', '--format=%H', '--grep=^Specloop-Step: 2'),
    );
    expect(await page.textContent('.commit')).toContain('by Test <test@example.com>');
    expect(await page.textContent('#diff')).toContain('out/input.ts');
    // Syntax-highlighted: the TypeScript line's tokens are marked and coloured (not the text colour).
    const colours = async () =>
      (await page.evaluate(`(() => {
        const c = (sel) => { const e = document.querySelector('#diff ' + sel); return e && getComputedStyle(e).color; };
        return [c('.hljs-keyword'), c('.hljs-string'), c('.hljs-comment'), c('.d2h-code-line-ctn')];
      })()`)) as (string | null)[];
    const [keyword, str, comment, text] = await colours();
    expect(keyword).toBeTruthy();
    expect(new Set([keyword, str, comment, text]).size).toBe(4);
    await shot(page, 'step');
    await page.click('[data-diff="side-by-side"]');
    await page.waitForSelector('.d2h-file-side-diff');
    expect((await colours())[0]).toBe(keyword);
    await shot(page, 'step-side-by-side');
    expect(await axeViolations(page)).toEqual([]);

    // Undo from the page is `specloop undo 4`: a revert commit that unticks the box; the card leaves Landed.
    await page.goto(`${board.url}#/step/4`);
    await page.waitForSelector('#h-step:has-text("Step 4")');
    await page.click('[data-act="undo"]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 15_000 }).toContain('undid step 4');
    expect(git(dir, 'log', '-1', '--format=%s')).toBe('undo step 4: command line');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Specloop-Revert,valueonly)')).toBe(
      git(dir, 'log', '-1', '--skip=1', '--format=%H'),
    );
    expect(git(dir, 'show', 'HEAD:todo.md')).toContain('- [ ] Step 4: command line');
    await page.goto(`${board.url}#/board`);
    await expect.poll(() => cardColumn(page, 4), { timeout: 10_000 }).toBe('ready');

    // The dependency view: every step a node.
    await page.goto(`${board.url}#/graph`);
    await page.waitForSelector('svg .node', { timeout: 20_000 });
    expect(await page.$$eval('svg .node', (n) => n.length)).toBe(4);
    expect(await page.$$eval('svg .edge', (n) => n.length)).toBe(4);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('pause from the page holds a running `specloop run` before its next step; resume lets it go on', async () => {
    const { dir, env } = setup(PLAN.slice(0, 2));
    const { board, page, errors } = await openBoardPage(browser, cleanups, dir, env);
    await page.goto(board.url);
    await page.waitForSelector('.card[data-step="2"]');
    await page.click('#pause');
    await page.waitForSelector('#resume:not([hidden])');
    expect(existsSync(join(dir, '.specloop', 'control', 'run.json'))).toBe(true);
    const run = startSpecloop(['run'], { cwd: dir, env });
    // Paused before step 1: nothing starts (polled, not a fixed wait: the test preflight runs first).
    await expect.poll(() => run.stderr(), { timeout: 30_000 }).toContain('paused by board before step 1');
    expect(await cardColumn(page, 1)).toBe('ready');
    await page.click('#resume');
    await expect.poll(() => cardColumn(page, 2), { timeout: 60_000 }).toBe('landed');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(errors).toEqual([]);
  }, 90_000);

  it('the dependency view highlights the critical path and the ready frontier', async () => {
    const { dir, env } = setup(PLAN);
    const { board, page, errors } = await openBoardPage(browser, cleanups, dir, env, {
      width: 1200,
      height: 600,
    });
    await page.goto(`${board.url}#/graph`);
    await page.waitForSelector('svg .node', { timeout: 20_000 });
    const critical = await page.$$eval('svg .node.critical', (n) =>
      n.map((e) => e.textContent?.match(/Step (\d+)/)?.[1]),
    );
    // 1 → 2 → 4 (or 1 → 3 → 4): three steps long, through 1 and 4.
    expect(critical).toHaveLength(3);
    expect(critical).toEqual(expect.arrayContaining(['1', '4']));
    expect(await page.$$eval('svg .node.frontier', (n) => n.length)).toBe(1);
    expect(await page.textContent('#graph-summary')).toMatch(/Ready now: 1\./);
    await shot(page, 'graph');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('keyboard: arrow keys move between cards, Enter opens the step page', async () => {
    const { dir, env } = setup(PLAN);
    const { board, page } = await openBoardPage(browser, cleanups, dir, env);
    await page.goto(board.url);
    await page.waitForSelector('.card-link');
    await page.focus('.card[data-step="1"] .card-link');
    const focused = () =>
      page.evaluate("document.activeElement?.closest('.card')?.getAttribute('data-step')");
    await page.focus('.card[data-step="2"] .card-link');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('3');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#h-step');
    expect(await page.textContent('#h-step')).toBe('Step 3: write the report');
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.waitForSelector('#h-team');
    await page.keyboard.press('g');
    await page.keyboard.press('b');
    await page.waitForSelector('.board');
  }, 60_000);

  it('a failed step is in Failed, and its page shows why and the failing test output', async () => {
    const { dir, env } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'breaks the build', deps: [1], actions: ['WRITE out/bad.txt BROKEN'] },
    ]);
    // A test command that reports like a test runner (TAP): one test passes, one fails.
    writeFileSync(
      join(dir, 'check.sh'),
      [
        '#!/bin/sh',
        'echo "ok 1 - the config parses"',
        'if grep -rq BROKEN out; then echo "not ok 2 - the build: found BROKEN in out/bad.txt"; echo "# fail 1"; exit 1; fi',
        'echo "ok 2 - the build"',
        '',
      ].join('\n'),
    );
    git(dir, 'commit', '-q', '-m', 'a TAP test command', '--', 'check.sh');
    const r = await startSpecloop(['run'], { cwd: dir, env }).done;
    expect(r.code).toBe(1);
    const { board, page, errors } = await openBoardPage(browser, cleanups, dir, env, {
      width: 1200,
      height: 900,
    });
    await page.goto(board.url);
    await page.waitForSelector('.card[data-step="2"]');
    expect(await cardColumn(page, 1)).toBe('landed');
    expect(await cardColumn(page, 2)).toBe('failed');
    expect(await page.textContent('.card[data-step="2"] .reason')).toContain('the test command failed');
    await page.click('.card[data-step="2"] .card-link');
    await page.waitForSelector('#h-step');
    expect(await page.textContent('.kv .reason')).toContain('the test command failed');
    expect(await page.$('[data-act="retry"]')).not.toBeNull();
    // The run records (.specloop/runs/<run>/step-2/attempt-K/) of both attempts, on disk and on the page.
    const records = stepRecords(dir, 2);
    expect(records.map((a) => a.meta.attempt)).toEqual([1, 2]);
    for (const a of records) {
      expect(a.meta).toMatchObject({ ok: false, reason: 'the test command failed (exit 1)', testCode: 1 });
      expect(a.tests).toContain('found BROKEN');
    }
    expect(await page.$$eval('.attempt', (n) => n.length)).toBe(2);
    for (const k of [1, 2]) {
      const a = `.attempt:nth-of-type(${k})`;
      expect(await page.textContent(`${a} > summary`)).toContain(`Attempt ${k}`);
      expect(await page.textContent(`${a} > summary .verdict`)).toBe('rejected');
      expect(await page.textContent(`${a} .reason`)).toContain('the test command failed (exit 1)');
      expect(await page.textContent(`${a} .test-output`)).toContain('found BROKEN');
    }
    // The failing lines are marked; the passing one is not.
    const marked = await page.$$eval('.attempt:nth-of-type(2) .test-output mark.fail-line', (m) =>
      m.map((e) => e.textContent),
    );
    expect(marked).toEqual(['not ok 2 - the build: found BROKEN in out/bad.txt', '# fail 1']);
    expect(await page.textContent('.attempt:nth-of-type(2) .transcript')).toContain('"type":"result"');
    await shot(page, 'step-failed');
    expect(await axeViolations(page)).toEqual([]);

    // The user fixes the cause and retries from the page: `specloop run --step 2` lands it.
    writeFileSync(join(dir, 'check.sh'), 'echo ok\n');
    git(dir, 'commit', '-q', '-m', 'accept the report', '--', 'check.sh');
    await page.click('[data-act="retry"]');
    await expect
      .poll(() => page.textContent('#toast'), { timeout: 10_000 })
      .toContain('specloop run --step 2');
    await page.goto(`${board.url}#/board`);
    await expect.poll(() => cardColumn(page, 2), { timeout: 60_000 }).toBe('landed');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Specloop-Step,valueonly)').trim()).toBe('2');
    expect(errors).toEqual([]);
  }, 90_000);
});
