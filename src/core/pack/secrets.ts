import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import perfHooks from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { PATTERN_HINTS, SECRET_PATTERNS } from './secret-patterns.js';
import { hasSecretHint } from './secret-prefilter.js';

/** A secretlint finding, reduced to what the summary shows (never the secret itself). */
export interface SecretFinding {
  /** Short rule name, e.g. `aws` for @secretlint/secretlint-rule-aws, `pattern` for ours. */
  rule: string;
  /** The rule's message id; for our patterns (secret-patterns.ts) the pattern's name. */
  messageId: string;
}

/** A finding with where it is (character offsets into the content). */
interface Located extends SecretFinding {
  range: [number, number];
}

type Lint = (filePath: string, content: string) => Promise<Located[]>;
let linter: Promise<Lint> | undefined;

/** The preset's rules this prefilter was written against (checked at load). */
const KNOWN_RULES = [
  '1password',
  'anthropic',
  'aws',
  'basicauth',
  'database-connection-string',
  'filter-comments',
  'gcp',
  'github',
  'linear',
  'npm',
  'openai',
  'privatekey',
  'sendgrid',
  'shopify',
  'slack',
].map((r) => `@secretlint/secretlint-rule-${r}`);

/**
 * Text every finding of the recommended preset must contain: each rule reports only on
 * matches of its own regexes, and each alternative here is a prefix (or a looser form) of
 * one of them, in the same case or looser. A file that matches neither regex cannot
 * produce a finding, so it skips secretlint (most files do: secretlint was ~25% of a cold
 * pack's worker time). Bare literals such as `account` or `npm_` sent a fifth of all
 * source files to secretlint; each alternative now carries enough of its rule's shape
 * (`npm_` + 36 token chars) to be rare in ordinary code.
 */
export const MAY_HOLD_SECRET = new RegExp(
  [
    'A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA', // aws access key id
    '(?:ACCOUNT|account|Account)_?(?:ID|id|Id)?["\']?\\s*(?::|=>|=)\\s*["\']?[0-9]{4}-?[0-9]{4}-?[0-9]{4}', // aws account id
    'private_key', // gcp service-account json
    'x-oauth-basic|_authToken=|npm_[A-Za-z0-9_]{36}', // npm
    'xox[bpaor]-|xapp-', // slack
    ':\\/\\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@', // basic auth in a URL
    'T3BlbkFJ|sk-ant-api0|lin_api_|PRIVATE KEY', // openai, anthropic, linear, private keys
    'SG\\.\\w{1,128}\\.', // sendgrid
    'shp(?:pa|ca|at|ss)_|gh[pousr]_[A-Za-z0-9_]{36}|github_pat_|ops_ey', // shopify, github, 1password
  ].join('|'),
);
/** The rules with case-insensitive regexes (aws secret key, slack webhooks, database URLs), and ours (twilio). */
export const MAY_HOLD_SECRET_ANY_CASE =
  /secret_?access|hooks\.slack\.com|mongodb(?:\+srv)?:\/\/|mysqlx?:\/\/|postgres(?:ql)?:\/\/|twilio/i;
/** Env-style files: the generic `PASSWORD=` pattern applies to every line, so always scan them. */
const ENV_STYLE_NAME =
  /(?:^|\/)(?:\.env[^/]*|[^/]*\.env(?:\.[^/]*)?|[^/]*\.(?:properties|ini|cfg|conf)|\.npmrc|\.pypirc|\.netrc|\.envrc|credentials|secrets\.[^/]*)$/i;
let prefilter = true;

/**
 * The preset version KNOWN_RULES was checked against (a version's rule list is fixed). For
 * it, a file the prefilter clears skips even loading secretlint (~85 ms per thread, most of
 * what a warm pack with no suspicious change would spend on secrets); for any other
 * version secretlint loads first and checks its rule list (createLinter).
 */
export const KNOWN_PRESET_VERSION = '11.7.1';
let presetKnown: boolean | undefined;

export function installedPresetVersion(): string | undefined {
  try {
    const file = createRequire(import.meta.url).resolve(
      '@secretlint/secretlint-rule-preset-recommend/package.json',
    );
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The content hints as the regexes say them (the spec; hasSecretHint is the fast form). */
export function matchesSecretHints(content: string): boolean {
  return (
    PATTERN_HINTS.test(content) || MAY_HOLD_SECRET.test(content) || MAY_HOLD_SECRET_ANY_CASE.test(content)
  );
}

/** False only when no rule of the preset could report anything in `content`. */
export function mayHoldSecret(filePath: string, content: string): boolean {
  return mayHold(filePath, content);
}

/** mayHoldSecret, with the content's hint when it is known already. */
function mayHold(filePath: string, content: string, hint?: boolean): boolean {
  return (
    !prefilter ||
    filePath.endsWith('.p12') || // the GCP rule reads .p12 files from disk itself
    ENV_STYLE_NAME.test(filePath) ||
    (hint ?? hasSecretHint(content)) // = matchesSecretHints(content), in one pass (secret-prefilter.ts)
  );
}

/**
 * Whether the file's name alone (or a prefilter that is off) sends it to secretlint. When
 * not, the verdict on a text the prefilter cleared holds for any file with that text (see
 * scanForSecrets).
 */
export function pathForcesScan(filePath: string): boolean {
  presetKnown ??= installedPresetVersion() === KNOWN_PRESET_VERSION;
  return !presetKnown || !prefilter || filePath.endsWith('.p12') || ENV_STYLE_NAME.test(filePath);
}

/**
 * findSecrets, and `byContent`: the text holds no hint of any rule, so every file with it
 * whose name does not force a scan (pathForcesScan) has no finding either. `knownHint`:
 * hasSecretHint(content) when the caller has it already (the pack's one pass over a file's
 * bytes, secret-prefilter.ts contentFlags); secretlint reads `content` only when there is
 * a hint or the path forces a scan.
 */
export async function scanForSecrets(
  filePath: string,
  content: string,
  knownHint?: boolean,
): Promise<{ findings: SecretFinding[]; byContent: boolean }> {
  presetKnown ??= installedPresetVersion() === KNOWN_PRESET_VERSION;
  const hint = presetKnown && prefilter ? (knownHint ?? hasSecretHint(content)) : undefined;
  const byContent = hint === false;
  if (byContent && !pathForcesScan(filePath)) return { findings: [], byContent };
  return { findings: unique(await locate(filePath, content, hint)), byContent };
}

async function createLinter(): Promise<Lint> {
  const [{ lintSource }, { creator, rules }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  // secretlint's profiler records a performance mark (and keeps it in an array) for every
  // rule run: in a long pack that is memory and time nobody reads. Workers silence marks
  // for good, as repomix does; the main thread only while a scan runs.
  if (!isMainThread) silenceMarks();
  const ids = (rules as { meta: { id: string } }[]).map((r) => r.meta.id).sort();
  if (ids.join() !== [...KNOWN_RULES].sort().join()) prefilter = false; // a new preset: scan everything
  const pattern = await import('@secretlint/secretlint-rule-pattern');
  const config = {
    rules: [
      { id: '@secretlint/secretlint-rule-preset-recommend', rule: creator },
      // What the preset misses, with secretlint's own pattern rule (secret-patterns.ts).
      {
        id: '@secretlint/secretlint-rule-pattern',
        rule: pattern.creator,
        options: { patterns: SECRET_PATTERNS },
      },
    ],
  };
  return async (filePath, content) => {
    const scoped = isMainThread && silenceMarks();
    let res: Awaited<ReturnType<typeof lintSource>>;
    try {
      res = await lintSource({
        // ext with its dot, as secretlint's CLI passes it (the GCP rule compares to ".json")
        source: { filePath, content, ext: extname(filePath), contentType: 'text' },
        options: { config },
      });
    } finally {
      if (scoped) Reflect.deleteProperty(perfHooks.performance, 'mark');
    }
    return res.messages.map((m) => {
      const rule = String(m.ruleId ?? 'secretlint').replace(/^@secretlint\/secretlint-rule-/, '');
      // The pattern rule's message is "found matching NAME: <the secret>": keep NAME only.
      const named =
        rule === 'pattern' ? /^found matching ([\w-]+):/.exec(String(m.message ?? ''))?.[1] : undefined;
      return { rule, messageId: named ?? String(m.messageId ?? ''), range: m.range as [number, number] };
    });
  };
}

function silenceMarks(): boolean {
  try {
    Object.defineProperty(perfHooks.performance, 'mark', { value: () => undefined, configurable: true });
    return true;
  } catch {
    return false;
  }
}

/** secretlint's findings in `content`; `hint`: its hasSecretHint when known already. */
async function locate(filePath: string, content: string, hint?: boolean): Promise<Located[]> {
  presetKnown ??= installedPresetVersion() === KNOWN_PRESET_VERSION;
  if (presetKnown && prefilter && !mayHold(filePath, content, hint)) return [];
  linter ??= createLinter();
  const lint = await linter;
  return mayHold(filePath, content, hint) ? lint(filePath, content) : [];
}

/**
 * Scan `content` with secretlint's recommended preset (the rules repomix runs) plus our
 * patterns for what it misses (secret-patterns.ts). One finding per rule and message id.
 */
export async function findSecrets(filePath: string, content: string): Promise<SecretFinding[]> {
  return unique(await locate(filePath, content));
}

function unique(found: Located[]): SecretFinding[] {
  const seen = new Set<string>();
  const out: SecretFinding[] = [];
  for (const { rule, messageId } of found) {
    const key = `${rule}:${messageId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ rule, messageId });
  }
  return out;
}

/**
 * `content` with every detected secret cut out (`[secret removed: RULE]`), for text that must
 * reach a prompt anyway — test output in a retry prompt — where leaving the whole text out
 * would hide the failure.
 */
export async function maskSecrets(label: string, content: string): Promise<{ text: string; found: number }> {
  const found = (await locate(label, content)).sort((a, b) => b.range[0] - a.range[0]);
  let text = content;
  let end = Number.POSITIVE_INFINITY;
  for (const f of found) {
    const [s, e] = f.range;
    if (e > end) continue; // overlaps a cut already made
    text = `${text.slice(0, s)}[secret removed: ${f.messageId || f.rule}]${text.slice(e)}`;
    end = s;
  }
  return { text, found: found.length };
}

/**
 * {@link maskSecrets} for text that is no file — test output, an issue body. It is scanned as
 * an env-style file, so `PASSWORD=…` lines printed or pasted into it count as well.
 */
export async function maskSecretsInText(text: string): Promise<string> {
  return (await maskSecrets('free-text.env', text)).text;
}

/** `aws:AWSSecretAccessKey, privatekey:PrivateKey` */
export function describeFindings(findings: SecretFinding[]): string {
  return findings.map((f) => (f.messageId ? `${f.rule}:${f.messageId}` : f.rule)).join(', ');
}
