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
  if (!isMainThread) {
    // secretlint marks every rule run with performance.mark; in a long-lived worker the marks
    // pile up (memory and time). Nothing reads them, so we silence them here, as repomix does.
    try {
      Object.defineProperty(perfHooks.performance, 'mark', { value: () => undefined, configurable: true });
    } catch {}
  }
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  return async (filePath, content) => {
    const res = await lintSource({
      source: { filePath, content, ext: filePath.split('.').pop() ?? '', contentType: 'text' },
      options: { config },
    });
    if (isMainThread) perfHooks.performance.clearMarks();
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

/** Scan `content` with secretlint's recommended preset (the rules repomix runs). */
export async function findSecrets(filePath: string, content: string): Promise<SecretFinding[]> {
  linter ??= createLinter();
  return (await linter)(filePath, content);
}

/** `aws:AWSSecretAccessKey, privatekey:PrivateKey` */
export function describeFindings(findings: SecretFinding[]): string {
  return findings.map((f) => (f.messageId ? `${f.rule}:${f.messageId}` : f.rule)).join(', ');
}
