import { APICallError } from 'ai';
import { type InfraKind, infraOf, infraOfCode } from './infra-error.js';

/** What went wrong with one attempt, and whether another attempt may help. */
export interface Failure {
  kind: 'http' | 'network' | 'timeout' | 'malformed' | 'cut';
  retryable: boolean;
  /** How long the server asked us to wait (retry-after / retry-after-ms), in ms. */
  retryAfterMs?: number;
  status?: number;
  /** Short human description, e.g. `HTTP 429 rate limited`, `connection refused`. */
  reason: string;
  /** The server's own message, when it sent one. */
  detail?: string;
  url?: string;
  /** Set when no retry (and no other attempt at the step) can help: the run stops at once. */
  infra?: InfraKind;
}

/** Parse `retry-after-ms`, then `retry-after` (seconds, possibly fractional, or an HTTP date). */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number.parseFloat(h['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = h['retry-after'];
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; cur instanceof Error && i < 5; i++) {
    const code = (cur as NodeJS.ErrnoException).code;
    parts.push(code ? `${cur.message} (${code})` : cur.message);
    cur = cur.cause;
  }
  return [...new Set(parts)].join(': ');
}

/** The first infra-relevant Node error code along the cause chain (ECONNREFUSED, ENOTFOUND …). */
function chainInfra(err: unknown): InfraKind | undefined {
  let cur: unknown = err;
  for (let i = 0; cur instanceof Error && i < 6; i++) {
    const kind = infraOfCode((cur as NodeJS.ErrnoException).code);
    if (kind) return kind;
    // AggregateError (happy eyeballs: every address refused) carries the real ones in `errors`.
    const inner = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner[0]) cur = inner[0];
    else cur = cur.cause;
  }
  return undefined;
}

/** Pull the provider's error message out of an error response body, if it is JSON. */
function serverMessage(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const j = JSON.parse(body);
    const m = j?.error?.message ?? j?.message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return body.slice(0, 300);
  }
}

/**
 * Classify an error thrown by (or surfaced from the stream of) an AI SDK call. Retryable:
 * 408/409/429/5xx, network failures, timeouts, malformed or cut-off responses. Other HTTP
 * errors (400, 401, 404 …) will fail the same way again.
 */
export function classify(err: unknown, opts: { timedOut: boolean; timeoutMs: number }): Failure {
  if (opts.timedOut)
    return { kind: 'timeout', retryable: true, reason: `no response within ${opts.timeoutMs / 1000}s` };
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    if (status === undefined) {
      const infra = chainInfra(err);
      return {
        kind: 'network',
        retryable: !infra,
        reason: causeChain(err.cause ?? err),
        url: err.url,
        infra,
      };
    }
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    if (status < 300) {
      // A 2xx whose body could not be read to the end (cut short) or parsed (malformed).
      const broke = err.cause instanceof Error && !/JSON|Validation/i.test(err.cause.name);
      if (broke) {
        return {
          kind: 'cut',
          retryable: true,
          status,
          reason: `connection broke off mid-answer (${causeChain(err.cause)})`,
          url: err.url,
        };
      }
      return {
        kind: 'malformed',
        retryable: true,
        status,
        reason: `malformed response (${err.message})`,
        url: err.url,
      };
    }
    const detail = serverMessage(err.responseBody);
    const infra = infraOf({ status, message: `${detail ?? ''} ${err.responseBody ?? ''}` });
    return {
      kind: 'http',
      retryable: retryable && !infra,
      infra,
      status,
      reason: `HTTP ${status}${status === 429 ? ' rate limited' : ''}`,
      detail,
      retryAfterMs: retryAfterMs(err.responseHeaders),
      url: err.url,
    };
  }
  const name = (err as Error)?.name ?? '';
  if (/JSONParse|TypeValidation|InvalidResponseData|NoOutputGenerated/.test(name)) {
    return {
      kind: 'malformed',
      retryable: true,
      reason: `malformed response (${(err as Error).message.split('\n')[0]})`,
    };
  }
  const infra = chainInfra(err);
  if (infra) return { kind: 'network', retryable: false, reason: causeChain(err), infra };
  // undici's "terminated" / "other side closed", ECONNRESET…: the connection broke mid-answer.
  return { kind: 'cut', retryable: true, reason: `connection broke off (${causeChain(err)})` };
}

/** Exponential backoff, doubled per retry, with a little jitter; retry-after wins when given. */
export function backoffMs(failure: Failure, retry: number, baseMs: number, capMs = 60_000): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, capMs);
  const exp = baseMs * 2 ** retry;
  return Math.min(capMs, exp + Math.floor(Math.random() * baseMs * 0.25));
}
