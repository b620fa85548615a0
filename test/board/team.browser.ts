import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';
import { type FixtureStep, makeRemote } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';
import {
  axeViolations,
  cardColumn,
  hasChromium,
  launchBrowser,
  openBoardPage,
  SKIP_REASON,
  shot,
  startTestBoard,
} from './browser.js';

/**
 * `specloop board` for a team, in headless Chromium: four clones of one bare remote.
 * Alice watches the board; Bob and Carol claim steps by hand (`specloop claim`), Dave's
 * `specloop run --team` lands step 1. Everything shows on Alice's page without a reload,
 * and a claim made from her page is the same claim `specloop claim` makes.
 */
if (!hasChromium) console.warn(SKIP_REASON);

const PLAN: FixtureStep[] = [
  { title: 'base', actions: ['SLEEP 500', 'COST 0.03', 'WRITE out/base.txt base'] },
  { title: 'parser', deps: [1], actions: ['WRITE out/parser.txt parser'] },
  { title: 'renderer', deps: [1], actions: ['WRITE out/renderer.txt renderer'] },
  { title: 'cli', deps: [2, 3], actions: ['WRITE out/cli.txt cli'] },
  { title: 'docs', deps: [1], actions: ['WRITE out/docs.txt docs'] },
];

const TOML = 'executor = "claude"\n\n[team]\nleaseSeconds = 30\n\n[board]\nfetchIntervalSec = 1\n';

describe.skipIf(!hasChromium)('specloop board, team (headless Chromium, bare remote)', () => {
  const cleanups = useCleanups();
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it("shows the other members' claims and landings live; a claim from the page is the CLI's claim", async () => {
    const root = cleanups.tmp('specloop-board-team-');
    const { bare, clone } = makeRemote(root, PLAN, TOML);
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(clone) as [
      string,
      string,
      string,
      string,
    ];

    const { board, page, errors } = await openBoardPage(browser, cleanups, alice, env, {
      width: 1400,
      height: 800,
    });
    await page.goto(board.url);
    await page.waitForSelector('.card[data-step="5"]');
    await page.evaluate('window.loadedOnce = 1');

    expect((await runCli(['claim', '2'], { cwd: bob, env })).code).toBe(0);
    expect((await runCli(['claim', '3'], { cwd: carol, env })).code).toBe(0);
    const r = await startSpecloop(['run', '--team', '--step', '1'], { cwd: dave, env }).done;
    expect(r.code, r.stderr).toBe(0);

    // Within a few fetch intervals, Alice's page shows all of it.
    await expect.poll(() => cardColumn(page, 1), { timeout: 15_000 }).toBe('landed');
    await expect
      .poll(() => page.textContent('.card[data-step="2"] .holder'), { timeout: 15_000 })
      .toContain('bob@');
    expect(await cardColumn(page, 2)).toBe('running');
    expect(await page.textContent('.card[data-step="3"] .holder')).toContain('carol@');
    expect(await page.textContent('.card[data-step="3"] .holder')).toContain('person');
    expect(await page.textContent('.card[data-step="1"] .landed')).toContain('by dave');
    // What Dave's attempt used, from his step commit's trailers (Alice has no record of it).
    await expect
      .poll(() => page.textContent('.card[data-step="1"] .facts'), { timeout: 15_000 })
      .toContain('10 in / 5 out · $0.03');
    expect(await cardColumn(page, 5)).toBe('ready');
    expect(await page.evaluate('window.loadedOnce')).toBe(1);
    // Dave's own board has his run records: the attempt, its test result, tokens and cost
    // (a --team run keeps no journal history).
    const daves = await startTestBoard(dave, env);
    cleanups.push(() => daves.close());
    expect((await daves.model.refresh()).cards[0]).toMatchObject({
      column: 'landed',
      attempt: { k: 1 },
      lastTest: { ok: true },
      tokens: { input: 10, output: 5 },
      cost: 0.03,
    });
    expect((await daves.model.teamView()).totals).toMatchObject({ cost: 0.03, source: 'attempts' });
    await shot(page, 'board-team');
    expect(await axeViolations(page)).toEqual([]);

    // Team view: every member seen, with their steps.
    await page.click('a[data-view="team"]');
    await page.waitForSelector('table.members tbody tr th');
    const members = await page.$$eval('table.members tbody th', (ths) => ths.map((t) => t.textContent));
    expect(members.sort()).toEqual(['bob', 'carol', 'dave']);
    await page.waitForSelector('#chart .uplot');
    // Alice's chart and summary count Dave's landed step at what his commit says it cost.
    expect(await page.textContent('.team .summary')).toContain(
      'Landed from other checkouts: $0.03 over 1 step (10 in / 5 out), from their commits.',
    );
    expect(await page.textContent('table.members tbody tr:has(th:text-is("dave"))')).toContain('$0.03');
    expect(await page.getAttribute('#chart', 'aria-label')).toContain('$0.03 spent');
    expect(await axeViolations(page)).toEqual([]);
    // Dave's own board: the same members, and what his run spent (his checkout's run records).
    const dpage = await browser.newPage({ width: 1400, height: 800 });
    await dpage.goto(`${daves.url}#/team`);
    await dpage.waitForSelector('#chart .uplot');
    expect(await dpage.textContent('.team .summary')).toContain(
      'Spent here so far: $0.03 over 1 recorded attempt (10 in / 5 out)',
    );
    // His own step is counted once: from his records, not again from its commit.
    expect(await dpage.textContent('.team .summary')).not.toContain('other checkouts');
    await shot(dpage, 'team');
    expect(await axeViolations(dpage)).toEqual([]);
    await dpage.close();

    // Alice claims step 5 from its page: the claim ref on the remote is what `specloop claim` writes.
    await page.goto(`${board.url}#/step/5`);
    await page.waitForSelector('#h-step:has-text("Step 5")');
    await page.click('[data-act="claim"]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 15_000 }).toContain('step 5 is now yours');
    const status = JSON.parse((await runCli(['team', 'status', '--json'], { cwd: bob, env })).stdout);
    const five = status.steps.find((s: { step: number }) => s.step === 5);
    const two = status.steps.find((s: { step: number }) => s.step === 2);
    expect(five.state).toBe('claimed');
    expect(five.claim.holder).toBe('alice');
    // Same kind and lease as Bob's claim made with the CLI.
    expect(five.claim.kind).toBe(two.claim.kind);
    expect(Math.abs(five.claim.expiresInSeconds - two.claim.expiresInSeconds)).toBeLessThan(120);
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/claims/')).toContain('/5');

    // …and releases it from the page, as `specloop team release 5` would.
    await page.waitForSelector('[data-act="release"]', { timeout: 15_000 });
    await page.click('[data-act="release"]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 15_000 }).toContain('released step 5');
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/claims/')).not.toContain('/5');
    // Bob's claim is someone else's: the page's release is refused like the CLI's (no --force).
    await page.goto(`${board.url}#/step/2`);
    await page.waitForSelector('#h-step:has-text("Step 2")');
    await page.click('[data-act="release"]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 15_000 }).toContain('claimed by bob');
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/claims/')).toContain('/2');

    // Undo step 1 from Alice's page is `specloop undo 1 --team`: the revert lands on the remote's
    // integration branch (her clone never had step 1), and the card leaves Landed.
    const landed1 = git(bare, 'log', '-1', '--format=%H', '--grep=^Specloop-Step: 1', 'main');
    await page.goto(`${board.url}#/step/1`);
    await page.waitForSelector('[data-act="undo"]');
    await page.click('[data-act="undo"]');
    await expect.poll(() => page.textContent('#toast'), { timeout: 20_000 }).toContain('undid step 1');
    expect(await page.textContent('#toast')).toContain('pushed to origin/main');
    expect(git(bare, 'log', '-1', '--format=%s', 'main')).toBe('undo step 1: base');
    expect(git(bare, 'log', '-1', '--format=%(trailers:key=Specloop-Revert,valueonly)', 'main').trim()).toBe(
      landed1,
    );
    expect(git(bare, 'show', 'main:todo.md')).toContain('- [ ] Step 1: base');
    await page.goto(`${board.url}#/board`);
    await expect.poll(() => cardColumn(page, 1), { timeout: 15_000 }).not.toBe('landed');
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  }, 120_000);
});
