import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { pathGate } from './path-gate.js';

/** Tokens of packed file context handed to a retry (the test output comes on top). */
export const RETRY_CONTEXT_TOKENS = 12_000;
const MAX_FILES = 20;

/**
 * Files worth showing the executor after a failed attempt: what it changed, then files the
 * failing output mentions (stack traces, assertion locations), all inside the repo.
 */
export async function relevantFiles(repoDir: string, changed: string[], output: string): Promise<string[]> {
  const picked = new Set<string>();
  const add = async (p: string) => {
    if (picked.size >= MAX_FILES) return;
    const gate = pathGate(repoDir, p);
    if (!gate.ok || picked.has(gate.rel)) return;
    const st = await stat(gate.abs).catch(() => undefined);
    if (st?.isFile() && st.size < 200_000) picked.add(gate.rel);
  };
  for (const p of changed) await add(p);
  const root = `${repoDir.replace(/\/$/, '')}/`;
  for (const m of output.matchAll(
    /(?:^|[\s('"`])((?:\/|\.\/)?[\w@.-]+(?:\/[\w@.-]+)*\.[A-Za-z]{1,5})(?=[:\s)'"`,]|$)/gm,
  )) {
    let p = m[1] as string;
    if (p.startsWith(root)) p = p.slice(root.length);
    else if (p.startsWith('/')) continue;
    if (p.includes('node_modules/')) continue;
    await add(p.replace(/^\.\//, ''));
  }
  return [...picked];
}

/** Plain fallback when the packer is unavailable: each file whole, until the budget is spent. */
async function simpleContext(
  ctx: Context,
  repoDir: string,
  files: string[],
  tokenBudget: number,
): Promise<string> {
  let budget = tokenBudget * 4;
  const parts: string[] = [];
  const { findSecrets } = await import('../pack/secrets.js');
  for (const f of files) {
    const text = await readFile(join(repoDir, f), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (!ctx.config.run.allowSecretsInRetry && (await findSecrets(f, text)).length > 0) {
      parts.push(`<file path="${f}" omitted="a secret was detected in it"/>`);
      continue;
    }
    const block = `<file path="${f}">\n${text}\n</file>`;
    if (block.length > budget) {
      parts.push(`<file path="${f}" omitted="over the context budget"/>`);
      continue;
    }
    budget -= block.length;
    parts.push(block);
  }
  return parts.join('\n');
}

/**
 * Packed contents of `files` for a retry prompt, via src/core/pack (token-counted, files
 * with secrets left out, kept within the token budget; no line numbers, so text the model
 * copies into edit_file matches the file). If packing fails, a plain listing instead.
 */
/**
 * A repo-relative path as a pattern that matches exactly that file: pack's include list uses
 * .gitignore syntax, where `*`, `?`, `[`, a leading `!` or `#` and trailing spaces mean
 * something; a backslash makes each literal. A path with a slash is anchored to the root.
 */
export function literalPattern(path: string): string {
  const escaped = path
    .replace(/[*?[\]\\]/g, '\\$&')
    .replace(/^[!#]/, '\\$&')
    .replace(/ $/, '\\ ');
  return escaped.includes('/') ? escaped : `/${escaped}`;
}

export async function packContext(
  ctx: Context,
  o: { repoDir: string; files: string[]; tokenBudget?: number },
): Promise<string> {
  if (o.files.length === 0) return '';
  const tokenBudget = o.tokenBudget ?? RETRY_CONTEXT_TOKENS;
  try {
    // Lazy: the tokenizer and the worker pool load only when a retry needs context.
    const { pack } = await import('../pack/index.js');
    const r = await pack(
      { ...ctx, cwd: o.repoDir },
      {
        include: o.files.map(literalPattern),
        style: 'xml',
        tokenBudget,
        header: '',
        instructions: '',
        gitDiff: false,
        gitLog: 0,
        lineNumbers: false,
        removeComments: false,
        // Its own switch: `[pack] securityCheck = false` is about packs the user reads first.
        securityCheck: !ctx.config.run.allowSecretsInRetry,
        write: false,
      },
    );
    if (r.output.trim()) return r.output;
  } catch (err) {
    ctx.log.debug(`pack failed for the retry context (${(err as Error).message}); using plain file contents`);
  }
  return simpleContext(ctx, o.repoDir, o.files, tokenBudget);
}

/**
 * Test output for a prompt, with every detected secret cut out (the failure stays readable):
 * a test may print a config file or a request with its key.
 */
export async function safeTestOutput(output: string): Promise<string> {
  if (!output) return output;
  const { maskSecretsInText } = await import('../pack/secrets.js');
  return maskSecretsInText(output);
}
