import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type PackOptions, pack } from '../pack/index.js';
import { type Focus, findFocus } from './focus.js';
import type { RequestTerms } from './request-terms.js';

export interface ChangeContext {
  /** The packed code the model sees (focus files first when the whole repo did not fit). */
  text: string;
  tokens: number;
  /** Every file in the repository the pack selected or skipped (for the path check). */
  known: string[];
  focus: Focus;
  /** Files in the context, and files left out to fit the budget. */
  packed: string[];
  left: string[];
  /** True when the whole repository fitted. */
  whole: boolean;
}

/** `/path` anchors a gitignore-syntax glob at the pack root: `index.js` alone matches any depth. */
const anchored = (files: readonly string[]) => files.map((f) => `/${f}`);

/**
 * Pack the repository for a change request within `budget` tokens. The whole repository
 * when it fits; otherwise the focus files (named, defining, their tests and neighbours,
 * plus `include`) in full, and the rest of the budget filled by pack's own budget rule
 * (least relevant and largest dropped first). A focus too big for the budget is a
 * UsageError that says how to narrow it.
 */
export async function gatherContext(
  ctx: Context,
  o: {
    root: string;
    terms: RequestTerms;
    include: readonly string[];
    budget: number;
    isTestFile: (path: string) => boolean;
  },
): Promise<ChangeContext> {
  const common: PackOptions = { dirs: [o.root], write: false, lineNumbers: false, splitTokens: undefined };
  const all = await pack(ctx, { ...common, tokenBudget: undefined });
  const files = all.files.map((f) => f.path);
  const known = [...files, ...all.skipped.map((s) => s.path)].sort();
  const focus = await findFocus({ root: o.root, files, terms: o.terms, isTestFile: o.isTestFile });
  if (o.include.length) {
    const steered = await pack(ctx, { ...common, include: [...o.include] });
    for (const f of steered.files)
      if (!(f.path in focus.reasons)) {
        focus.reasons[f.path] = 'matched --include';
        focus.files.unshift(f.path);
      }
  }
  if (all.totals.tokens <= o.budget)
    return {
      text: all.output,
      tokens: all.totals.tokens,
      known,
      focus,
      packed: files,
      left: [],
      whole: true,
    };

  const core = focus.files.length
    ? await pack(ctx, { ...common, include: anchored(focus.files) })
    : undefined;
  const coreTokens = core?.totals.tokens ?? 0;
  if (coreTokens > o.budget)
    throw new UsageError(
      `the files this change is about take ${coreTokens.toLocaleString('en-US')} tokens, more than the ` +
        `${o.budget.toLocaleString('en-US')} the model has room for`,
      {
        code: 'E_TOO_LONG',
        hint: 'name fewer files in the request, steer with --include, or use a model with a larger context (-m)',
      },
    );
  const rest =
    o.budget - coreTokens > 500
      ? await pack(ctx, {
          ...common,
          ignore: [...ctx.config.pack.ignore, ...anchored(focus.files)],
          tokenBudget: o.budget - coreTokens,
        }).catch(() => undefined)
      : undefined;
  const packed = [...(core?.files ?? []), ...(rest?.files ?? [])].map((f) => f.path);
  const inContext = new Set(packed);
  return {
    text: [core?.output, rest?.output].filter(Boolean).join('\n'),
    tokens: coreTokens + (rest?.totals.tokens ?? 0),
    known,
    focus,
    packed,
    left: files.filter((f) => !inContext.has(f)),
    whole: false,
  };
}
