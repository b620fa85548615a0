import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may use the board. On a loopback address anyone on this machine may read it; on any
 * other address every request needs the token. Actions (which change the repository or
 * the remote) always need it, sent in a header: a page of another site can make the
 * browser send cookies, never a custom header, so no cross-site request can act.
 */
export const TOKEN_HEADER = 'x-specloop-token';
export const TOKEN_COOKIE = 'specloop_board';

export const newToken = () => randomBytes(18).toString('base64url');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function same(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The token this request carries: header, `?token=`, or the cookie set by the first visit. */
export function requestToken(
  req: IncomingMessage,
  url: URL,
): { value?: string; via?: 'header' | 'query' | 'cookie' } {
  const h = req.headers[TOKEN_HEADER];
  if (typeof h === 'string') return { value: h, via: 'header' };
  const q = url.searchParams.get('token');
  if (q) return { value: q, via: 'query' };
  const c = cookie(req, TOKEN_COOKIE);
  return c ? { value: c, via: 'cookie' } : {};
}

export interface AccessDecision {
  ok: boolean;
  status?: number;
  message?: string;
  /** Set the cookie (the token came in the URL). */
  setCookie?: boolean;
}

/**
 * `Host` must name the address the board listens on (or a loopback name for a loopback
 * board): that refuses DNS-rebinding pages that reach 127.0.0.1 under a foreign name.
 */
export function checkAccess(
  req: IncomingMessage,
  url: URL,
  o: { token: string; loopback: boolean; action: boolean },
): AccessDecision {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (o.loopback && !isLoopbackHost(host))
    return { ok: false, status: 403, message: `the board answers on 127.0.0.1 only, not "${host}"` };
  const t = requestToken(req, url);
  const valid = same(t.value, o.token);
  if (o.action) {
    if (valid && t.via === 'header') return { ok: true };
    return {
      ok: false,
      status: 403,
      message: 'actions need the board token (open the URL the board printed)',
    };
  }
  if (o.loopback || valid) return { ok: true, setCookie: valid && t.via === 'query' };
  return {
    ok: false,
    status: 401,
    message: 'this board needs its token: open the URL `specloop board` printed',
  };
}
