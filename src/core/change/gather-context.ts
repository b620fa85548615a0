import { formatCount } from '../../util/format.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { listFiles, type PackOptions, type PackResult, pack } from '../pack/index.js';
import { type Focus, findFocus } from './focus.js';
import type { RequestTerms } from './request-terms.js';

export interface ChangeContext {
  /** The packed code the model sees (one pack: the focus whole, the rest as the budget allows). */
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
  /** Files outside the focus packed as signatures (`--compress`, budget tight). */
  compressed: boolean;
  /** How many packs it took (1, or 2 when the budget was tight and --compress was on). */
  packs: number;
}

/**
 * Pack the repository ONCE for a change request, within `budget` tokens; the questions
 * and the plan both see that one pack. The focus (named files, the files defining the
 * named symbols, their tests and neighbours, plus `include`) is found from the file list
 * alone (no pack), then one pack keeps the focus whole and lets the budget drop the rest by
 * tier (snapshots/generated → fixtures → tests → source), largest first. With `compress`
 * (`--compress`, `[pack] compress`) and a budget too small for the whole repository, the
 * files outside the focus are packed as signatures instead — a second pack, only then —
 * and dropped by tier if even that is too much. A focus too big for the budget is a
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
    /** `--compress`: true, or globs limiting it (like `[pack] compress`); false: never. */
    compress: boolean | string[];
  },
): Promise<ChangeContext> {
  const common: PackOptions = { dirs: [o.root], write: false, lineNumbers: false, splitTokens: undefined };
  const files = await listFiles(ctx, common);
  const focus = await findFocus({ root: o.root, files, terms: o.terms, isTestFile: o.isTestFile });
  if (o.include.length)
    for (const f of await listFiles(ctx, { ...common, include: [...o.include] }))
      if (!(f in focus.reasons)) {
        focus.reasons[f] = 'matched --include';
        focus.files.unshift(f);
      }
  const once = (compress: boolean | string[]) =>
    pack(ctx, { ...common, compress, keep: focus.files, tokenBudget: o.budget });
  let result = await once(false);
  let packs = 1;
  const tight = result.skipped.some((s) => s.reason === 'token-budget');
  if (tight && o.compress !== false) {
    result = await once(o.compress);
    packs++;
  }
  checkFocusFits(result, focus, o.budget);
  const inPack = new Set(result.files.map((f) => f.path));
  // A focus file the pack left out for another reason (binary, a secret) is not in the context.
  for (const f of focus.files.filter((x) => !inPack.has(x))) delete focus.reasons[f];
  focus.files = focus.files.filter((f) => inPack.has(f));
  const dropped = result.skipped.filter((s) => s.reason === 'token-budget').map((s) => s.path);
  return {
    text: result.output,
    tokens: result.totals.tokens,
    known: [...new Set([...result.files.map((f) => f.path), ...result.skipped.map((s) => s.path)])].sort(),
    focus,
    packed: result.files.map((f) => f.path),
    left: dropped,
    whole: dropped.length === 0 && !(tight && o.compress !== false),
    compressed: tight && o.compress !== false,
    packs,
  };
}

/** The budget dropped a focus file: the change is about more code than the model can see. */
function checkFocusFits(result: PackResult, focus: Focus, budget: number): void {
  const want = new Set(focus.files);
  const gone = result.skipped.filter((s) => s.reason === 'token-budget' && want.has(s.path));
  if (gone.length === 0) return;
  const tokens =
    result.files.filter((f) => want.has(f.path)).reduce((a, f) => a + f.tokens, 0) +
    gone.reduce((a, s) => a + (Number.parseInt(s.detail ?? '', 10) || 0), 0);
  throw new UsageError(
    `the files this change is about take ${formatCount(tokens)} tokens, more than the ` +
      `${formatCount(budget)} the model has room for`,
    {
      code: 'E_TOO_LONG',
      hint: 'name fewer files in the request, steer with --include, or use a model with a larger context (-m)',
    },
  );
}
