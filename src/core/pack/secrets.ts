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

async function createLinter(): Promise<Lint> {
  const [{ lintSource }, { creator }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  // secretlint's profiler records a performance mark (and keeps it in an array) for every
  // rule run: in a long pack that is memory and time nobody reads. Workers silence marks
  // for good, as repomix does; the main thread only while a scan runs.
  if (!isMainThread) silenceMarks();
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  return async (filePath, content) => {
    const scoped = isMainThread && silenceMarks();
    let res: Awaited<ReturnType<typeof lintSource>>;
    try {
      res = await lintSource({
        source: { filePath, content, ext: filePath.split('.').pop() ?? '', contentType: 'text' },
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
  return (await linter)(filePath, content);
}

/** `aws:AWSSecretAccessKey, privatekey:PrivateKey` */
export function describeFindings(findings: SecretFinding[]): string {
  return findings.map((f) => (f.messageId ? `${f.rule}:${f.messageId}` : f.rule)).join(', ');
}
