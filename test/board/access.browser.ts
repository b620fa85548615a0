import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { seedRepo } from '../support/team-fixtures.js';
import { consoleErrors, hasChromium, launchBrowser, SKIP_REASON, startTestBoard } from './browser.js';

/**
 * Who may use the board: bound to a non-loopback address (0.0.0.0, reached here through
 * 127.0.0.1) every request needs the token; actions always need it, in a header.
 */
if (!hasChromium) console.warn(SKIP_REASON);

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasChromium)('specloop board access (token)', () => {
  const cleanups = useCleanups();
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  const repo = () => {
    const dir = join(cleanups.tmp('specloop-board-access-'), 'repo');
    mkdirSync(dir);
    seedRepo(dir, [{ title: 'only step', actions: ['WRITE out/a.txt a'] }]);
    return { dir, env: { SPECLOOP_HOME: join(dir, '..', 'home') } };
  };

  it('on 0.0.0.0 every request needs the token; with it the page works (assets, live updates)', async () => {
    const { dir, env } = repo();
    const board = await startTestBoard(dir, env, { host: '0.0.0.0' });
    cleanups.push(() => board.close());
    const base = `http://127.0.0.1:${board.port}`;
    for (const path of [
      '/',
      '/api/state',
      '/api/events',
      '/assets/app.js',
      '/vendor/uplot.js',
      '/api/steps/1',
    ])
      expect((await get(board.port, path)).status, path).toBe(401);
    expect((await get(board.port, '/api/state?token=wrong')).status).toBe(401);
    // Scripts get JSON, a browser a page; the icon a browser asks for is no second refusal.
    expect(JSON.parse((await get(board.port, '/api/state')).body).error).toContain('needs its token');
    expect((await get(board.port, '/favicon.ico')).status).toBe(204);

    const page = await browser.newPage();
    cleanups.push(() => page.close());
    const noToken = await page.goto(`${base}/`);
    expect(noToken?.status()).toBe(401);
    expect(noToken?.headers()['content-type']).toContain('text/html');
    expect(await page.textContent('body')).toContain('needs its token');

    // Collected from here on: a late /favicon.ico of the refused page was once a 401 here.
    const errors = consoleErrors(page);
    expect(board.url).toContain(`token=${board.token}`);
    await page.goto(`${base}/?token=${board.token}`);
    await page.waitForSelector('.card[data-step="1"]');
    await expect.poll(() => page.textContent('#live'), { timeout: 15_000 }).toBe('live');
    // An action from the page carries the token in a header.
    await page.click('#pause');
    await expect
      .poll(() => page.textContent('#toast'), { timeout: 15_000 })
      .toContain('pauses before its next step');
    await page.waitForSelector('#resume:not([hidden])');
    await page.click('#resume');
    await page.waitForSelector('#pause:not([hidden])');
    expect(errors).toEqual([]);
  }, 60_000);

  it('on loopback reading is open but actions need the token header, and a foreign Host is refused', async () => {
    const { dir, env } = repo();
    const board = await startTestBoard(dir, env);
    cleanups.push(() => board.close());
    expect((await get(board.port, '/api/state')).status).toBe(200);
    expect((await get(board.port, '/api/state', { host: 'evil.example:80' })).status).toBe(403);
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(`http://127.0.0.1:${board.port}/`);
    await page.waitForSelector('.card[data-step="1"]');
    // The cookie alone (what a cross-site form would carry) is not enough for an action.
    const status = await page.evaluate(
      "fetch('/api/actions/pause', { method: 'POST', body: '{}' }).then((r) => r.status)",
    );
    expect(status).toBe(403);
    expect((await board.model.refresh()).run.paused).toBe(false);
  }, 60_000);
});
