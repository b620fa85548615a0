import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../../util/atomic-write.js';
import type { Context } from '../../context.js';
import { externalExecutor, spawnAgent } from './external.js';
import type { Executor, ExecutorOptions } from './types.js';

/** `Tokens: 2.1k sent, 345 received. Cost: $0.01 message, $0.05 session.` */
const TOKENS =
  /Tokens:\s*([\d.]+)(k?)\s*sent,\s*([\d.]+)(k?)\s*received(?:\.\s*Cost:\s*\$([\d.]+)\s*message)?/i;
const amount = (n: string, k: string) => Math.round(Number.parseFloat(n) * (k ? 1000 : 1));

/**
 * aider, one message per attempt: `aider --message-file F --yes-always --no-auto-commits
 * --no-dirty-commits --no-gitignore …`. Its history files go under .specloop/aider/ (our
 * machine state, never committed) so they never show up in a step's diff. Usage and cost
 * come from its "Tokens: … Cost: …" lines; aider reports no session id.
 */
export function createAiderExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  return externalExecutor(ctx, 'aider', opts, async (input, cli) => {
    const dir = join(input.repoDir, '.specloop', 'aider');
    await mkdir(dir, { recursive: true });
    const messageFile = join(dir, `step-${input.step}.md`);
    await atomicWrite(messageFile, input.prompt);
    const usage = { inputTokens: 0, outputTokens: 0 };
    let cost: number | null = null;
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
    return spawnAgent(ctx, {
      ...cli,
      args,
      input,
      onLine(line) {
        const m = TOKENS.exec(line);
        if (m) {
          usage.inputTokens += amount(m[1] as string, m[2] as string);
          usage.outputTokens += amount(m[3] as string, m[4] as string);
          if (m[5]) cost = (cost ?? 0) + Number.parseFloat(m[5]);
          return undefined;
        }
        return /^(Applied edit to|Creating|Added|Running)\b/.test(line) ? line : undefined;
      },
      finish: () => ({ usage, cost }),
    });
  });
}
