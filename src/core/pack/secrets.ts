import { extname } from 'node:path';
import perfHooks from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

/** A secretlint finding, reduced to what the summary shows. */
export interface SecretFinding {
  /** Short rule name, e.g. `aws` for @secretlint/secretlint-rule-aws. */
  rule: string;
  messageId: string;
}

type Lint = (filePath: string, content: string) => Promise<SecretFinding[]>;
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
 * matches of its own regexes, and each of those has a literal (or a tiny pattern) here,
 * in the same case or looser. A file that matches neither regex cannot produce a
 * finding, so it skips secretlint (most files do: secretlint is ~20% of a cold pack).
 */
const MAY_HOLD_SECRET =
  /A3T|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|private_key|x-oauth-basic|_authToken=|npm_|xox[bpaor]-|xapp-|:\/\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@|T3BlbkFJ|sk-ant-api0|lin_api_|PRIVATE KEY|SG\.|shp(?:pa|ca|at|ss)_|gh[pousr]_|github_pat_|ops_ey/;
const MAY_HOLD_SECRET_ANY_CASE = /secret_?access|account|hooks\.slack\.com|mongodb|mysql|postgres/i;
let prefilter = true;

/** False only when no rule of the preset could report anything in `content`. */
export function mayHoldSecret(filePath: string, content: string): boolean {
  return (
    !prefilter ||
    filePath.endsWith('.p12') || // the GCP rule reads .p12 files from disk itself
    MAY_HOLD_SECRET.test(content) ||
    MAY_HOLD_SECRET_ANY_CASE.test(content)
  );
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
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
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
    const seen = new Set<string>();
    const out: SecretFinding[] = [];
    for (const m of res.messages) {
      const rule = String(m.ruleId ?? 'secretlint').replace(/^@secretlint\/secretlint-rule-/, '');
      const messageId = String(m.messageId ?? '');
      const key = `${rule}:${messageId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ rule, messageId });
    }
    return out;
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

/** Scan `content` with secretlint's recommended preset (the rules repomix runs). */
export async function findSecrets(filePath: string, content: string): Promise<SecretFinding[]> {
  linter ??= createLinter();
  const lint = await linter;
  return mayHoldSecret(filePath, content) ? lint(filePath, content) : [];
}

/** `aws:AWSSecretAccessKey, privatekey:PrivateKey` */
export function describeFindings(findings: SecretFinding[]): string {
  return findings.map((f) => (f.messageId ? `${f.rule}:${f.messageId}` : f.rule)).join(', ');
}
