/**
 * `npm run bench:board`: `specloop board` on a 200-step plan (random DAG, 80 steps landed).
 * Measures, in Debian's headless Chromium:
 *   - the server's state computation (git + files → cards),
 *   - page load → board rendered (target < 1 s),
 *   - the dependency view's ELK layout of 200 nodes (in a web worker),
 *   - with 20 pages connected: a step landing → all 20 pages showing it, and /api/state latency.
 * Each landed step has the run records of two attempts (`attempt.json`, the cards read them).
 * Not a test: it prints figures. BENCH_STEPS (default 200), BENCH_PAGES (default 20).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  hasChromium,
  launchBrowser,
  SKIP_REASON,
  startTestBoard,
} from '../test/board/browser.js';
import { type FixtureStep, seedRepo } from '../test/support/team-fixtures.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 200);
const PAGES = Number(process.env.BENCH_PAGES ?? 20);
const LANDED = Math.round(STEPS * 0.4);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function plan(): FixtureStep[] {
  // Deterministic pseudo-random DAG: each step depends on up to 3 of the 12 before it.
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: STEPS }, (_, i) => {
    const deps = new Set<number>();
    for (let k = 0; k < 3 && i > 0; k++)
      if (k === 0 || rnd() < 0.4) deps.add(Math.max(1, i - Math.floor(rnd() * 12)));
    return {
      title: `step ${i + 1} of the benchmark plan`,
      deps: [...deps],
      actions: [`WRITE out/s${i + 1}.txt x`],
    };
  });
}

/** The run records a run leaves for step `n`: a rejected attempt, then the one that landed. */
function record(dir: string, n: number): void {
  for (const k of [1, 2]) {
    const d = join(dir, '.specloop', 'runs', '20261201T120000-1', `step-${n}`, `attempt-${k}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'attempt.json'),
      JSON.stringify({
        runId: '20261201T120000-1',
        step: n,
        attempt: k,
        ok: k === 2,
        reason: k === 1 ? 'the test command failed (exit 1)' : undefined,
        executor: 'claude',
        usage: { inputTokens: 12_000, outputTokens: 900 },
        usageKnown: true,
        cost: 0.05,
        testCode: k === 2 ? 0 : 1,
        testDurationMs: 1400,
        startedAt: new Date(Date.parse('2026-12-01T12:00:00Z') + (n * 2 + k) * 60e3).toISOString(),
        durationMs: 50_000,
      }),
    );
  }
}

function land(dir: string, n: number): void {
  execFileSync(
    'git',
    ['commit', '-q', '--allow-empty', '-m', `step ${n}\n\nSpecloop-Step: ${n}\nSpecloop-Plan: prompt_plan`],
    {
      cwd: dir,
    },
  );
}

async function main(): Promise<void> {
  if (!hasChromium) {
    console.log(SKIP_REASON);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'specloop-bench-board-'));
  const browser = await launchBrowser();
  try {
    const dir = join(root, 'repo');
    mkdirSync(dir);
    seedRepo(dir, plan());
    for (let n = 1; n <= LANDED; n++) {
      land(dir, n);
      record(dir, n);
    }
    const board = await startTestBoard(dir, { SPECLOOP_HOME: join(root, 'home') });
    if (process.env.BENCH_DEBUG) console.error(`board at ${board.url}`);

    // Warm: nothing changed (the plan parse and landed steps are reused); cold: after a plan edit.
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await board.model.refresh();
      warm.push(performance.now() - t);
    }
    execFileSync('touch', ['prompt_plan.md'], { cwd: dir });
    const tc = performance.now();
    await board.model.refresh();
    const cold = performance.now() - tc;

    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage({ width: 1600, height: 1000 });
      const t = performance.now();
      await page.goto(board.url);
      await page.waitForSelector(`.card[data-step="${STEPS}"]`);
      loads.push(performance.now() - t);
      await page.close();
    }

    const gpage = await browser.newPage({ width: 1600, height: 1000 });
    const tg = performance.now();
    await gpage.goto(`${board.url}#/graph`);
    await gpage.waitForSelector('svg .node', { timeout: 120_000 });
    const graphMs = performance.now() - tg;
    await gpage.close();

    // 20 viewers = 20 browser contexts: one browser allows ~6 connections per host, and each
    // page holds an event stream (20 people, not 20 tabs of one person).
    const viewers = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const pages = [];
    for (let i = 0; i < PAGES; i++) {
      const p = await (await viewers.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
      p.setDefaultTimeout(120_000);
      await p.goto(board.url);
      await p.waitForSelector(`.card[data-step="${STEPS}"]`);
      pages.push(p);
    }
    const next = LANDED + 1;
    const tl = performance.now();
    land(dir, next);
    await Promise.all(
      pages.map((p) => p.waitForSelector(`.column[data-column="landed"] .card[data-step="${next}"]`)),
    );
    const liveMs = performance.now() - tl;
    const api: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await (await fetch(`http://127.0.0.1:${board.port}/api/state`)).arrayBuffer();
      api.push(performance.now() - t);
    }
    const clients = board.clients();
    await viewers.close();
    await board.close();

    console.log(`specloop board, ${STEPS}-step plan (${LANDED + 1} landed), headless Chromium`);
    console.log(
      `  state computation (server):      ${ms(cold)} after a plan edit, median ${ms(median(warm))} unchanged`,
    );
    console.log(`  page load → board rendered:      median ${ms(median(loads))} of 5 (target < 1 s)`);
    console.log(`  dependency view (ELK layout):    ${ms(graphMs)}`);
    console.log(`  ${clients} pages connected: a landing shows on all of them in ${ms(liveMs)}`);
    console.log(`  GET /api/state with ${clients} pages connected: median ${ms(median(api))} of 10`);
  } finally {
    await browser.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
