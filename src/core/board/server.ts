import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { isSpecloopError, UsageError, WorkError } from '../errors.js';
import { publishBoardAddress } from '../review/index.js';
import { checkAccess, isLoopbackHost, newToken, TOKEN_COOKIE } from './access.js';
import { type ActionDeps, runAction } from './actions.js';
import { assetFile, contentType, webRoot } from './assets.js';
import { gitDir } from './core-adapter.js';
import { BoardModel } from './model.js';
import { SseHub } from './sse.js';
import { watchSources } from './watch.js';

export interface BoardOptions extends ActionDeps {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Seconds between fetches of the team remote (claims, integration branch). */
  fetchIntervalSec: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
}

export interface BoardServer {
  /** The URL to open, with the token. */
  url: string;
  host: string;
  port: number;
  token: string;
  model: BoardModel;
  /** Connected pages. */
  clients(): number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/** A refusal: a short page for a browser that asked for one, JSON for scripts. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string) {
  if (!/\btext\/html\b/.test(req.headers.accept ?? '')) return json(res, status, { error: message });
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>specloop board</title>` +
      `<link rel="icon" href="data:,"></head><body><p>${text}</p></body></html>`,
  );
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 64_000) throw new UsageError('request body too large');
  }
  if (!raw.trim()) return {};
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? v : {};
  } catch {
    throw new UsageError('the request body is not JSON');
  }
}

/**
 * `specloop board`: an HTTP server over the board model. Pages get the state as JSON and
 * live updates over Server-Sent Events; local changes arrive through file watching, the
 * team remote through a periodic fetch.
 */
export async function startBoard(ctx: Context, o: BoardOptions): Promise<BoardServer> {
  const model = new BoardModel(ctx, { from: o.from });
  await model.fetchTeam();
  const first = await model.refresh();
  const loopback = isLoopbackHost(o.host);
  const token = o.token ?? newToken();
  const hub = new SseHub();
  const indexHtml = await readFile(join(webRoot(), 'index.html'), 'utf8');

  let refreshing: Promise<void> | undefined;
  let again = false;
  const refresh = (): Promise<void> => {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          again = false;
          hub.broadcast('state', await model.refresh());
        } while (again);
      } catch (err) {
        hub.broadcast('problem', { message: (err as Error).message });
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  const watcher = watchSources({
    repoRoot: first.project.repoRoot,
    planDir: dirname(join(first.project.repoRoot, first.project.planPath)),
    gitDir: await gitDir(ctx, first.project.repoRoot),
    onChange: () => void refresh(),
  });
  let fetching = false;
  const fetchTimer = setInterval(async () => {
    if (fetching) return;
    fetching = true;
    try {
      await model.fetchTeam();
      await refresh();
    } finally {
      fetching = false;
    }
  }, Math.max(1, o.fetchIntervalSec) * 1000);
  fetchTimer.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://board.invalid');
    const action = url.pathname.startsWith('/api/actions/');
    // The icon is inline in the page (data:); a browser still asks for /favicon.ico on a
    // page without one (the refusal below), and that ask must not become a second refusal.
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' });
      return res.end();
    }
    const access = checkAccess(req, url, { token, loopback, action });
    if (!access.ok) return refuse(req, res, access.status ?? 403, access.message ?? 'refused');
    const cookie = access.setCookie
      ? { 'set-cookie': `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict` }
      : undefined;
    if (action) {
      if (req.method !== 'POST') return json(res, 405, { error: 'actions are POST requests' });
      const name = url.pathname.slice('/api/actions/'.length);
      const r = await runAction(ctx, model, name, await readBody(req), o);
      await refresh();
      return json(res, 200, r);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    switch (url.pathname) {
      case '/':
      case '/index.html': {
        // The token goes into the page only for a request that was allowed to read it.
        const html = indexHtml.replace('__SPECLOOP_TOKEN__', token);
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self'; connect-src 'self'",
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          ...cookie,
        });
        return res.end(html);
      }
      case '/api/state':
        return json(res, 200, model.state ?? (await model.refresh()));
      case '/api/team':
        return json(res, 200, await model.teamView());
      case '/api/events':
        hub.add(req, res, model.state);
        return;
    }
    const step = /^\/api\/steps\/(\d+)$/.exec(url.pathname);
    if (step) {
      const d = await model.stepDetail(Number(step[1]));
      return d ? json(res, 200, d) : json(res, 404, { error: `the plan has no step ${step[1]}` });
    }
    const file = assetFile(url.pathname);
    if (!file) return json(res, 404, { error: `no such page: ${url.pathname}` });
    res.writeHead(200, { 'content-type': contentType(file), 'cache-control': 'max-age=300', ...cookie });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return res.end();
      const e = err as Error & { hint?: string };
      json(res, err instanceof UsageError ? 400 : isSpecloopError(err) ? 409 : 500, {
        error: e.message,
        hint: e.hint,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`port ${o.port} on ${o.host} is in use`, {
              hint: 'pick another with --port N (0: any free port)',
            })
          : new WorkError(`cannot listen on ${o.host}:${o.port}: ${err.message}`, { hint: 'check --host' }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = o.host.includes(':')
    ? `[${o.host}]`
    : o.host === '0.0.0.0' || o.host === '::'
      ? hostname()
      : o.host;
  // A run waiting for review says where to answer it: this board's address (never the token).
  const unpublish = await publishBoardAddress(first.project.repoRoot, {
    url: `http://${shown}:${port}/`,
    tokenRequired: !loopback,
  }).catch(() => async () => {});
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    host: o.host,
    port,
    token,
    model,
    clients: () => hub.size,
    async close() {
      clearInterval(fetchTimer);
      watcher.close();
      await unpublish();
      hub.close();
      // Every connection is cut now: a request still being answered must not hold the close.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
