import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { priceOf } from './prices.js';
import type { LlmResponse, Role } from './types.js';

export interface AskOptions {
  /** Template name (`-t`); its front-matter may set system, model and role. */
  template?: string;
  /** `provider:model` (`-m`); beats the template's model/role. */
  model?: string;
  /** System prompt (`-s`); beats the template's. */
  system?: string;
  /** Named template variables (`-p NAME VALUE`). */
  params?: Record<string, string>;
  /** The PROMPT argument. */
  prompt?: string;
  /** Text read from stdin (undefined when stdin is a terminal). */
  input?: string;
  stream: boolean;
  onText?: (delta: string) => void;
  /** Go ahead even when the estimated cost is above `confirmCostOver`. */
  yes?: boolean;
  /** Asked when the estimate is over the limit and `yes` is not set; false/undefined → refuse. */
  confirm?: (message: string) => Promise<boolean>;
}

/** Rough input cost of a prompt (4 characters ≈ 1 token), or null when the price is unknown. */
export function estimateInputCost(ctx: Pick<Context, 'config'>, model: string, text: string): number | null {
  const price = priceOf(model, ctx.config);
  return price ? (Math.ceil(text.length / 4) * price.input) / 1_000_000 : null;
}

// Piped text usually ends in a newline; the prompt reads better without it.
const join = (...parts: (string | undefined)[]) =>
  parts
    .filter((p): p is string => p !== undefined && p.trim() !== '')
    .map((p) => p.trimEnd())
    .join('\n\n');

/**
 * One question to a model: stdin and/or PROMPT, optionally through a template, the answer
 * streamed to `onText`. Nothing is sent when a template's variables are missing.
 */
export async function ask(ctx: Context, opts: AskOptions): Promise<LlmResponse> {
  let system = opts.system;
  let prompt: string;
  let model = opts.model;
  let role: Role | undefined;
  let command = 'ask';
  if (opts.template) {
    const { loadTemplate, renderTemplate } = await import('../templates/index.js');
    const t = await loadTemplate(ctx, opts.template);
    const input = join(opts.input, opts.prompt);
    const rendered = renderTemplate(t, { ...opts.params, ...(input ? { input } : {}) });
    prompt = rendered.prompt;
    system ??= rendered.system;
    model ??= t.model;
    role = t.role;
    command = `ask -t ${t.name}`;
  } else {
    if (opts.params && Object.keys(opts.params).length) {
      throw new UsageError('-p sets template variables; it needs -t TEMPLATE', { code: 'E_USAGE' });
    }
    prompt = join(opts.input, opts.prompt);
    if (!prompt) {
      throw new UsageError('nothing to ask: give a PROMPT or pipe text on stdin', {
        hint: 'specloop ask "why is the sky blue?"  or  cat notes.md | specloop ask -t summarize',
      });
    }
  }
  const llm = await ctx.llm();
  const resolved = llm.resolveModel({ model, role });
  const estimate = estimateInputCost(ctx, resolved, `${system ?? ''}${prompt}`);
  if (estimate !== null && estimate > ctx.config.confirmCostOver && !opts.yes) {
    const msg = `this prompt costs about $${estimate.toFixed(2)} on ${resolved} (limit confirmCostOver = $${ctx.config.confirmCostOver})`;
    if (!(await opts.confirm?.(`${msg}. Send it?`))) {
      throw new UsageError(msg, {
        code: 'E_COST',
        hint: 'pass --yes to send it anyway, or raise confirmCostOver',
      });
    }
  }
  return llm.generate({
    model: resolved,
    role,
    system,
    messages: [{ role: 'user', content: prompt }],
    stream: opts.stream,
    onText: opts.onText,
    command,
  });
}
