import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { atomicWrite } from '../../../util/atomic-write.js';
import { runGit } from '../../../util/git.js';
import type { Context } from '../../context.js';
import type { Usage } from '../events.js';
import { externalExecutor, type ParsedRun } from './external.js';
import type { Executor, ExecutorInput, ExecutorOptions } from './types.js';

/**
 * aider's usage report (base_coder.py): `Tokens: 12k sent, 1.2k cache write, 2.3k cache hit,
 * 345 received.` then ` Cost: $0.01 message, $0.05 session.` on the same line — or on the
 * next one when both cache counts are present. "sent" already includes the cache writes.
 */
const TOKENS =
  /Tokens:\s*([\d.]+)([kKmM]?)\s*sent(?:,\s*([\d.]+)([kKmM]?)\s*cache write)?(?:,\s*([\d.]+)([kKmM]?)\s*cache hit)?,\s*([\d.]+)([kKmM]?)\s*received/;
const COST = /Cost:\s*\$([\d.]+)\s*message/;
const amount = (n: string | undefined, unit: string | undefined) =>
  n === undefined
    ? 0
    : Math.round(Number.parseFloat(n) * (/k/i.test(unit ?? '') ? 1e3 : /m/i.test(unit ?? '') ? 1e6 : 1));

/** The usage and cost of every report in aider's output (one per message). */
export function parseAiderUsage(lines: string[]): Pick<ParsedRun, 'usage' | 'cost'> {
  let usage: Usage | undefined;
  let cost: number | null = null;
  for (const line of lines) {
    const t = TOKENS.exec(line);
    if (t) {
      usage ??= { inputTokens: 0, outputTokens: 0 };
      usage.inputTokens += amount(t[1], t[2]) + amount(t[5], t[6]);
      usage.outputTokens += amount(t[7], t[8]);
    }
    const c = COST.exec(line);
    if (c) cost = (cost ?? 0) + Number.parseFloat(c[1] as string);
  }
  return { usage, cost };
}

/**
 * aider writes its own files into the repo root (`.aider.tags.cache.v4/` — a SQLite repo-map
 * cache —, `.aider.chat.history.md` …). `--no-gitignore` stops it from editing .gitignore, so
 * keep them out of every step's diff through the repository's local exclude file instead.
 */
export async function excludeAiderFiles(ctx: Context, repoDir: string): Promise<void> {
  const r = await runGit(repoDir, ['rev-parse', '--git-path', 'info/exclude'], { env: ctx.env });
  if (r.code !== 0) return; // not a git repository: nothing to keep out of commits
  const file = resolve(repoDir, r.stdout.trim());
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.split('\n').includes('/.aider*')) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(
    file,
    `${text && !text.endsWith('\n') ? '\n' : ''}# aider's own files (specloop)\n/.aider*\n`,
  );
}

/**
 * aider, one message per attempt: `aider --message-file F --yes-always --no-auto-commits
 * --no-dirty-commits --no-gitignore …`. Its history files go under .specloop/aider/ (our
 * machine state, never committed); its caches in the repo root are excluded from git.
 * Usage and cost come from its "Tokens: … Cost: …" reports; aider reports no session id.
 */
export function createAiderExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  return externalExecutor(ctx, 'aider', opts, async (input: ExecutorInput) => {
    const dir = join(input.repoDir, '.specloop', 'aider');
    await mkdir(dir, { recursive: true });
    await excludeAiderFiles(ctx, input.repoDir);
    const messageFile = join(dir, `step-${input.step}.md`);
    await atomicWrite(messageFile, input.prompt);
    const args = [
      '--message-file',
      messageFile,
      '--yes-always',
      '--no-auto-commits',
      '--no-dirty-commits',
      '--no-gitignore',
      '--no-check-update',
      '--no-pretty',
      '--no-stream',
      '--chat-history-file',
      join(dir, 'chat-history.md'),
      '--input-history-file',
      join(dir, 'input-history'),
    ];
    if (opts.model) args.push('--model', opts.model);
    const lines: string[] = [];
    let spent = 0;
    return {
      args,
      parser: {
        line(line, emit) {
          lines.push(line);
          // aider reports each message's cost as it goes: --max-cost is checked after each one.
          const c = COST.exec(line);
          if (c) emit.spent((spent += Number.parseFloat(c[1] as string)));
          if (/^(Applied edit to|Creating|Added|Running)\b/.test(line)) emit.activity(line);
        },
        finish: () => ({ ...parseAiderUsage(lines) }),
      },
    };
  });
}
