// Kept light on purpose (no AI SDK behind it): `issues` must not load the model stack.
export { sleep } from '../llm/sleep.js';

/** What Octokit throws for an HTTP error (duck-typed: @octokit/request-error's RequestError). */
export interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function isHttpError(err: unknown): err is HttpErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as HttpErrorLike).status === 'number';
}

/** GitHub's own message from an error response, else the error message. */
export function githubMessage(err: unknown): string {
  if (isHttpError(err)) {
    const data = err.response?.data as { message?: unknown } | undefined;
    if (data && typeof data.message === 'string' && data.message) return data.message;
  }
  return (err as Error)?.message ?? String(err);
}

/** GitHub asks for at least a minute's pause on a secondary limit that names no time. */
const SECONDARY_FALLBACK_MS = 60_000;
/** Clocks differ a little: resume just after the announced reset, not just before. */
const RESET_MARGIN_MS = 500;

export interface RateLimitWait {
  ms: number;
  reason: string;
}

/**
 * If `err` is a rate-limit response, how long to wait before retrying; else undefined.
 * Primary limit: 403/429 with `x-ratelimit-remaining: 0` → until `x-ratelimit-reset`.
 * Secondary limit: `retry-after` seconds, or a "secondary rate limit" message → back off.
 */
export function rateLimitWait(err: unknown, nowMs: number, attempt: number): RateLimitWait | undefined {
  if (!isHttpError(err) || (err.status !== 403 && err.status !== 429)) return undefined;
  const h = err.response?.headers ?? {};
  const header = (k: string) => (h[k] === undefined ? undefined : String(h[k]));
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - nowMs;
    return { ms: Math.max(0, ms), reason: 'GitHub asked to retry later (secondary rate limit)' };
  }
  const reset = header('x-ratelimit-reset');
  if (header('x-ratelimit-remaining') === '0' && reset !== undefined) {
    return {
      ms: Math.max(0, Number(reset) * 1000 - nowMs) + RESET_MARGIN_MS,
      reason: 'GitHub rate limit reached',
    };
  }
  if (err.status === 429 || /secondary rate limit|abuse/i.test(githubMessage(err))) {
    return { ms: SECONDARY_FALLBACK_MS * 2 ** Math.min(attempt, 4), reason: 'GitHub secondary rate limit' };
  }
  return undefined;
}
