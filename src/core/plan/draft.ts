import { unwrapFence } from '../../util/markdown-fence.js';
import type { Context } from '../context.js';
import type { LlmClient, LlmMessage, LlmUsage } from '../llm/types.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';

/** What {@link draftDocument} reports while it works (the CLI turns these into progress lines). */
export type DraftEvent =
  | { type: 'start'; file: string; attempt: number }
  | { type: 'text'; file: string; delta: string }
  | { type: 'invalid'; file: string; attempt: number; problems: string[] }
  | { type: 'valid'; file: string; attempt: number };

export interface DraftTotals {
  calls: number;
  usage: LlmUsage;
  /** USD, null when no call had a known price. */
  cost: number | null;
  model?: string;
}

export interface DraftOptions {
  /** File name shown to the model and the user (`prompt_plan.md`). */
  file: string;
  system?: string;
  prompt: string;
  model?: string;
  /** Repair rounds after the first answer (0 = no repair). */
  maxRepairs: number;
  /** Problems with a candidate text, one readable line each; [] = valid. */
  validate: (text: string) => string[];
  onEvent?: (e: DraftEvent) => void;
  totals: DraftTotals;
}

/** Models like to wrap a whole document in ```markdown … ```; take the inside. */
export function unwrapDocument(text: string): string {
  return `${unwrapFence(text.trim()).trimEnd()}\n`;
}

/**
 * Ask for a document, validate it, and on failure send the model the exact problems
 * and ask for the whole file again — at most `maxRepairs` times. Returns the last
 * candidate and its problems ([] when valid); the caller decides what failure means.
 */
export async function draftDocument(
  ctx: Context,
  llm: LlmClient,
  opts: DraftOptions,
): Promise<{ text: string; problems: string[]; attempts: number }> {
  const repairTemplate = await loadTemplate(ctx, 'plan-repair');
  const first: LlmMessage = { role: 'user', content: opts.prompt };
  let messages: LlmMessage[] = [first];
  let text = '';
  let problems: string[] = [];
  for (let attempt = 1; attempt <= opts.maxRepairs + 1; attempt++) {
    opts.onEvent?.({ type: 'start', file: opts.file, attempt });
    const res = await llm.generate({
      role: 'plan',
      model: opts.model,
      system: opts.system,
      messages,
      stream: true,
      onText: (delta) => opts.onEvent?.({ type: 'text', file: opts.file, delta }),
      signal: ctx.signal,
      command: ctx.command,
    });
    addUsage(opts.totals, res);
    text = unwrapDocument(res.text);
    problems = res.text.trim() === '' ? ['the answer was empty'] : opts.validate(text);
    if (problems.length > 0 && res.finishReason === 'length')
      problems.unshift('the answer was cut off at the output token limit: write shorter context and prompts');
    if (problems.length === 0) {
      opts.onEvent?.({ type: 'valid', file: opts.file, attempt });
      return { text, problems, attempts: attempt };
    }
    opts.onEvent?.({ type: 'invalid', file: opts.file, attempt, problems });
    // Each repair sees the original request, the latest answer and its problems — not every
    // failed attempt, which would only grow the prompt.
    const repair = renderTemplate(repairTemplate, { file: opts.file, problems: problems.join('\n') });
    messages = [first, { role: 'assistant', content: res.text }, { role: 'user', content: repair.prompt }];
  }
  return { text, problems, attempts: opts.maxRepairs + 1 };
}

function addUsage(totals: DraftTotals, res: { usage: LlmUsage; cost: number | null; model: string }): void {
  totals.calls += 1;
  totals.usage.inputTokens += res.usage.inputTokens;
  totals.usage.outputTokens += res.usage.outputTokens;
  if (res.cost !== null) totals.cost = (totals.cost ?? 0) + res.cost;
  totals.model = res.model;
}
