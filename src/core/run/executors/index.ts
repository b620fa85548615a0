import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { EXECUTOR_NAMES, type Executor, type ExecutorName, type ExecutorOptions } from './types.js';

export type { Executor, ExecutorInput, ExecutorName, ExecutorOptions, ExecutorResult } from './types.js';
export { EXECUTOR_NAMES } from './types.js';

/**
 * Build an executor by name. External CLIs are looked up on the context's PATH now, so a
 * missing one fails (exit 2, with an install hint) before any work starts.
 */
export async function createExecutor(
  ctx: Context,
  name: string,
  opts: ExecutorOptions = {},
): Promise<Executor> {
  switch (name as ExecutorName) {
    case 'builtin':
      if (opts.preflight) await (await ctx.llm()).preflight?.({ model: opts.model, role: 'code' });
      return (await import('./builtin/agent.js')).createBuiltinExecutor(ctx, opts);
    case 'aider': {
      const aider = await import('./aider.js');
      // Before any attempt starts: the integrity check snapshots git internals per attempt,
      // and this exclude line is specloop's own, not the step's.
      await aider.excludeAiderFiles(ctx, ctx.cwd);
      return aider.createAiderExecutor(ctx, opts);
    }
    case 'claude':
      return (await import('./claude.js')).createClaudeExecutor(ctx, opts);
    case 'codex':
      return (await import('./codex.js')).createCodexExecutor(ctx, opts);
    default:
      throw new UsageError(`unknown executor "${name}"`, {
        hint: `choose one of: ${EXECUTOR_NAMES.join(', ')}`,
      });
  }
}
