import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { buildContext } from '../../src/cli/context.js';
import { type BoardServer, startBoard } from '../../src/core/board/index.js';
import { BIN } from '../support/cli.js';

/**
 * Browser-test support: Debian's headless Chromium driven by playwright-core (never a
 * downloaded browser), the board started in-process on an OS-chosen loopback port, console
 * errors collected, axe-core run in the page, screenshots saved for docs/board.md.
 */
export const CHROMIUM = process.env.SPECLOOP_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`;

export const SHOTS = fileURLToPath(new URL('../../docs/board/', import.meta.url));

/** Chromium's flags for tests: headless, no sandbox (containers), nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile dir (persistent context: playwright passes --user-data-dir itself). */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'specloop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const page = await context.newPage();
      // Generous: these tests share two cores with whole test suites (seen at load 20).
      page.setDefaultTimeout(60_000);
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Start the board in `cwd` the way `specloop board` does (config from the repo's specloop.toml). */
export async function startTestBoard(
  cwd: string,
  env: Record<string, string>,
  o: { host?: string; token?: string } = {},
): Promise<BoardServer> {
  const io = {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
    stdin: process.stdin,
    stdout: { write: () => {}, isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    signal: new AbortController().signal,
  };
  const ctx = await buildContext(io, {}, 'board');
  return startBoard(ctx, {
    host: o.host ?? '127.0.0.1',
    port: 0,
    fetchIntervalSec: ctx.config.board.fetchIntervalSec,
    token: o.token,
    // Retry starts the built CLI, as `specloop board` does.
    cli: { command: process.execPath, args: [BIN] },
  });
}

/** The board in `cwd` and a page on it (both closed after the test), collecting console errors. */
export async function openBoardPage(
  browser: Awaited<ReturnType<typeof launchBrowser>>,
  cleanups: { push(...fns: Array<() => unknown>): void },
  cwd: string,
  env: Record<string, string>,
  viewport?: { width: number; height: number },
): Promise<{ board: BoardServer; page: Page; errors: string[] }> {
  const board = await startTestBoard(cwd, env);
  cleanups.push(() => board.close());
  const page = await browser.newPage(viewport);
  cleanups.push(() => page.close());
  return { board, page, errors: consoleErrors(page) };
}

/** Collect console errors and page errors (every test asserts there were none). */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core violations (WCAG 2 A/AA rules) of the page as it is now: `id: target…` lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(
    // A string: the test program has no DOM types; axe is a global of the page.
    "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] })",
  )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Save a screenshot under docs/board/ (the docs use them). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Cropped to the content (a short viewport + full page), so the PNGs stay small.
  const size = page.viewportSize();
  if (size) await page.setViewportSize({ width: size.width, height: 240 });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

/** The column a step's card is in, as the page shows it. */
export function cardColumn(page: Page, step: number): Promise<string | null> {
  return page.evaluate(
    `document.querySelector('.card[data-step="${step}"]')?.closest('.column')?.getAttribute('data-column') ?? null`,
  );
}
