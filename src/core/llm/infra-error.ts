import { SpecloopError } from '../errors.js';

/**
 * Failures of the infrastructure around the work — the endpoint, the key, the model, the
 * account — as opposed to failures of the work itself. Another attempt at the step cannot
 * fix any of them, so they stop a run at once instead of burning attempts.
 */
export type InfraKind =
  | 'unreachable' // connection refused / reset before any answer
  | 'dns' // the host name does not resolve
  | 'tls' // certificate or TLS handshake problem
  | 'auth' // 401 / 403, a missing or rejected key
  | 'model' // the model does not exist or this key has no access to it
  | 'context' // the request is larger than the model's context window
  | 'quota'; // the account is out of credit / quota (not a rate limit)

/**
 * Exit 2 for what the user must fix in their setup (URL, key, model name); exit 1 for a
 * context window the step outgrew or an account out of quota (docs/llm.md).
 */
const EXIT: Record<InfraKind, 1 | 2> = {
  unreachable: 2,
  dns: 2,
  tls: 2,
  auth: 2,
  model: 2,
  context: 1,
  quota: 1,
};

const WHAT: Record<InfraKind, string> = {
  unreachable: 'the model endpoint is unreachable',
  dns: 'the model endpoint’s host name does not resolve',
  tls: 'the TLS connection to the model endpoint failed',
  auth: 'the provider rejected the API key',
  model: 'the model was not found',
  context: 'the request is larger than the model’s context window',
  quota: 'the account’s quota or credit is used up',
};

export const HINTS: Record<InfraKind, string> = {
  unreachable:
    'is the endpoint up? check the base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST or [providers] in the config)',
  dns: 'check the host name in the base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST or [providers] in the config)',
  tls: 'check the base URL’s scheme (http vs https) and the server’s certificate (NODE_EXTRA_CA_CERTS for a private CA)',
  auth: 'check the API key (`specloop keys list` shows where it comes from; `specloop keys set <provider>` stores another)',
  model: 'check the model name (`specloop models`), that the key has access to it, and the base URL',
  context: 'make the step smaller (split it in prompt_plan.md), or use a model with a larger context window',
  quota: 'add credit or raise the quota with the provider, then run again',
};

/** An infrastructure failure: the run stops at once; exit code by kind (see EXIT). */
export class InfraError extends SpecloopError {
  readonly kind: InfraKind;
  /** An agent CLI's raw output, when it reported the failure (kept in the attempt's run record). */
  readonly transcript?: string;
  constructor(
    kind: InfraKind,
    message: string,
    opts: { hint?: string; cause?: unknown; transcript?: string } = {},
  ) {
    super(message, {
      code: `E_INFRA_${kind.toUpperCase()}`,
      hint: opts.hint ?? HINTS[kind],
      exitCode: EXIT[kind],
      cause: opts.cause,
    });
    this.kind = kind;
    this.transcript = opts.transcript;
  }
}

export function isInfraError(err: unknown): err is InfraError {
  return err instanceof InfraError;
}

/** One line: `the model was not found: <the provider's own words>`. */
export function infraMessage(kind: InfraKind, detail: string): string {
  const d = detail.replace(/\s+/g, ' ').trim().slice(0, 400);
  return d ? `${WHAT[kind]}: ${d}` : WHAT[kind];
}

const NETWORK_CODES: Record<string, InfraKind> = {
  ECONNREFUSED: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ENOTFOUND: 'dns',
  // A base URL that is no URL (`OPENAI_BASE_URL=$HOST/v1` with HOST unset): fetch cannot start.
  ERR_INVALID_URL: 'unreachable',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
  EPROTO: 'tls',
};

/** The infra kind of a Node network error code (ECONNREFUSED, ENOTFOUND, TLS codes …). */
export function infraOfCode(code: string | undefined): InfraKind | undefined {
  return code ? NETWORK_CODES[code] : undefined;
}

const CONTEXT =
  /context[ _-]length|context window|maximum context|prompt is too long|too many (input )?tokens|input is too long|reduce the length of the messages/i;
const QUOTA =
  /insufficient[ _]quota|exceeded your current quota|credit balance is too low|billing|out of credits|quota exceeded/i;
const MODEL =
  /model[^.\n]{0,80}(not[ _](be[ _])?found|does not exist|not exist|not available|unsupported)|unrecognized[ _]model|unknown model|no such model|issue with the selected model|model_not_found|invalid model/i;
const AUTH =
  /\b40[13]\b[^\n]{0,40}(unauthori[sz]ed|forbidden)|unauthori[sz]ed|invalid[ _-](x-)?api[ _-]key|incorrect api key|authentication[ _]error|invalid authentication|missing environment variable:? `?\w*(API_KEY|TOKEN)\b|api key (is )?(missing|not set|invalid)/i;
const UNREACHABLE = /ECONNREFUSED|connection refused|EHOSTUNREACH|network is unreachable/i;
const DNS =
  /ENOTFOUND|getaddrinfo|failed to lookup address|dns error|name or service not known|nodename nor servname/i;
const TLS = /certificate|CERT_|SSL routines|tls handshake|wrong version number/i;

/**
 * Recognise an infrastructure failure from an HTTP status and/or the text of an error (a
 * provider's error body, an agent CLI's error message). 429 and 5xx are never infra unless
 * the text says the quota is gone: they are transient and keep their retries.
 */
export function infraOf(o: { status?: number; message?: string; code?: string }): InfraKind | undefined {
  const m = o.message ?? '';
  const byCode = infraOfCode(o.code);
  if (byCode) return byCode;
  if (o.status !== undefined) {
    if (o.status === 401 || o.status === 403) return 'auth';
    if (o.status === 404) return 'model';
    if (o.status === 429 || o.status === 402) return QUOTA.test(m) || o.status === 402 ? 'quota' : undefined;
    if (o.status === 400 || o.status === 413 || o.status === 422) {
      if (CONTEXT.test(m)) return 'context';
      if (QUOTA.test(m)) return 'quota';
      if (MODEL.test(m)) return 'model';
      return undefined;
    }
    if (o.status >= 500 || o.status === 408 || o.status === 409) return undefined;
  }
  if (!m) return undefined;
  if (CONTEXT.test(m)) return 'context';
  if (QUOTA.test(m)) return 'quota';
  if (AUTH.test(m)) return 'auth';
  if (MODEL.test(m)) return 'model';
  if (UNREACHABLE.test(m)) return 'unreachable';
  if (DNS.test(m)) return 'dns';
  if (TLS.test(m)) return 'tls';
  return undefined;
}
