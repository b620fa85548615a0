import { formatCount } from '../../util/format.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { countTokens } from '../pack/index.js';
import { answerReserve, CONTEXT_WINDOWS, contextWindowOf } from '../tasks/context-windows.js';

/**
 * Tokens of packed code a prompt can carry: the model's context window (`--context-window`,
 * else `[llm] contextWindows` over the built-in table), minus room for the answer, minus
 * the prompt around the code (`frame`: the rendered template without it) and `margin` for
 * what is added later (answers, focus list). `tokenBudget` overrides all of it. A window
 * that leaves no room is a UsageError, before any model call.
 */
export async function codeBudget(
  ctx: Context,
  o: { model: string; frame: string; margin: number; contextWindow?: number; tokenBudget?: number },
): Promise<number> {
  if (o.tokenBudget) return o.tokenBudget;
  const window =
    o.contextWindow ?? contextWindowOf(o.model, { ...CONTEXT_WINDOWS, ...ctx.config.llm.contextWindows });
  const budget = window - answerReserve(window) - (await countTokens(o.frame)) - o.margin;
  if (budget < 2000)
    throw new UsageError(
      `${o.model}'s context window (${formatCount(window)} tokens) leaves no room for the code`,
      {
        code: 'E_TOO_LONG',
        hint: 'use a model with a larger context (-m), or --context-window N if you know it takes more',
      },
    );
  return budget;
}
