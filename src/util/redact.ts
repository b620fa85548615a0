type Env = Record<string, string | undefined>;

/**
 * Token shapes that are credentials whoever prints them (a provider echoing a key in an
 * error, a stack trace with a header): OpenAI/Anthropic keys, GitHub, Slack, AWS ids, Google
 * API keys, Stripe, JWTs, bearer headers.
 */
const TOKEN_SHAPES = [
  /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{16,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abpors]-[A-Za-z0-9-]{10,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{12,}/gi,
];

/** `scheme://user:password@host` → `scheme://user:***@host` (the user name stays: it helps). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi;

/** Names that hold credentials by convention (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY` …). */
export const SECRET_NAME =
  /(_API_KEY|_APIKEY|_TOKEN|_SECRET|_SECRET_KEY|_ACCESS_KEY|_PASSWORD|_PASSWD|_AUTH)$/i;

/** The values of secret-named variables in `env` (what must never be printed or logged). */
export function secretValues(env: Env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => SECRET_NAME.test(k) && typeof v === 'string' && v.length >= 8)
    .map(([, v]) => v as string);
}

/**
 * Mask credentials in text shown to the user or written to a log: known values first
 * (exact), then token shapes and URL passwords. Idempotent; `***` marks each cut.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length))
    if (s.length >= 4) out = out.split(s).join('***');
  out = out.replace(URL_PASSWORD, '$1***@');
  for (const re of TOKEN_SHAPES)
    out = out.replace(re, (_m, prefix?: string) =>
      typeof prefix === 'string' && prefix ? `${prefix}***` : '***',
    );
  return out;
}

/**
 * A sink whose every write is {@link redact}ed: the CLI wraps stderr in it, so no message —
 * an error, a hint, a `--verbose` cause or debug line — prints a key or a URL password.
 * `secrets` is read on the first write (the stored keys, the environment's secret values).
 */
export function redactingSink<S extends { write(text: string): void; isTTY: boolean }>(
  sink: S,
  secrets: () => readonly string[],
): S {
  let known: readonly string[] | undefined;
  return {
    ...sink,
    isTTY: sink.isTTY,
    write: (text: string) => {
      known ??= secrets();
      sink.write(redact(text, known));
    },
  };
}
