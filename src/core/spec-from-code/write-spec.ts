import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { numberedPath } from '../brainstorm/index.js';
import { codeBudget } from '../change/code-budget.js';
import type { Context } from '../context.js';
import { currentTree, withProvenance } from '../drift/index.js';
import { UsageError, WorkError } from '../errors.js';
import { requireRepo } from '../git/index.js';
import { type PackResult, pack } from '../pack/index.js';
import { draftDocument } from '../plan/draft.js';
import type { DraftEvent, DraftTotals } from '../plan/index.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { specProblems } from './sections.js';

export interface SpecFromCodeOptions {
  /** Default spec.md in the repository root. */
  output?: string;
  /** Replace an existing file instead of writing spec.<n>.md (as `idea` does). */
  force?: boolean;
  model?: string;
  include?: string[];
  contextWindow?: number;
  tokenBudget?: number;
  maxRepairs?: number;
  /** Return the text; write nothing. */
  dryRun?: boolean;
  onEvent?: (e: DraftEvent | { type: 'packed'; files: number; tokens: number; dropped: number }) => void;
}

export interface SpecFromCodeResult {
  path: string;
  numbered: boolean;
  written: boolean;
  text: string;
  /** The tree id of the code described (recorded in the file). */
  tree?: string;
  packed: { files: number; tokens: number; dropped: string[] };
  totals: DraftTotals;
}

/**
 * `specloop spec --from-code`: pack the repository within the model's context window and
 * have the model describe the system as it is (the template asks for facts from the code
 * only, and open questions for the rest). Every section must be there, else the answer is
 * sent back for repair. An existing spec is never replaced without `force`: the new one
 * goes to spec.<n>.md, as with `idea`. The commit it describes is recorded in the file.
 */
export async function specFromCode(ctx: Context, o: SpecFromCodeOptions = {}): Promise<SpecFromCodeResult> {
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  const target = resolve(ctx.cwd, o.output ?? resolve(repo, 'spec.md'));
  const llm = await ctx.llm();
  const template = await loadTemplate(ctx, 'spec-from-code');
  const model = llm.resolveModel({ model: o.model ?? template.model, role: 'plan' });
  const frame = renderTemplate(template, { input: '-' });
  const budget = await codeBudget(ctx, {
    model,
    frame: frame.prompt + (frame.system ?? ''),
    margin: 1000,
    contextWindow: o.contextWindow,
    tokenBudget: o.tokenBudget,
  });
  const packed: PackResult = await pack(ctx, {
    dirs: [repo],
    write: false,
    tokenBudget: budget,
    splitTokens: undefined,
    ignore: [
      ...ctx.config.pack.ignore,
      ...(relative(repo, target).startsWith('..') ? [] : [`/${relative(repo, target)}`]),
    ],
    ...(o.include?.length ? { include: o.include } : {}),
  });
  if (packed.files.length === 0)
    throw new UsageError('there is no code to describe here: the pack is empty', {
      hint: 'run it in the repository of an existing project, or check --include and [pack] ignore',
    });
  const dropped = packed.skipped.filter((s) => s.reason === 'token-budget').map((s) => s.path);
  o.onEvent?.({
    type: 'packed',
    files: packed.files.length,
    tokens: packed.totals.tokens,
    dropped: dropped.length,
  });

  const rendered = renderTemplate(template, { input: packed.output });
  const totals: DraftTotals = { calls: 0, usage: { inputTokens: 0, outputTokens: 0 }, cost: null };
  const file = relative(ctx.cwd, target) || 'spec.md';
  const drafted = await draftDocument(ctx, llm, {
    file,
    system: rendered.system,
    prompt: rendered.prompt,
    model,
    maxRepairs: o.maxRepairs ?? 1,
    validate: specProblems,
    onEvent: o.onEvent,
    totals,
  });
  if (drafted.problems.length > 0)
    throw new WorkError(
      `the model did not write a complete ${file} (${drafted.attempts} attempts); nothing was written:\n` +
        drafted.problems.map((p) => `  ${p}`).join('\n'),
      { code: 'E_SPEC_INVALID', hint: 'run again, or use a stronger model with -m' },
    );
  const tree = await currentTree(repo, ctx.env);
  const text = withProvenance(drafted.text, tree, 'bottom');
  const numbered = existsSync(target) && !o.force;
  const path = numbered ? numberedPath(target) : target;
  if (!o.dryRun) await atomicWrite(path, text);
  return {
    path,
    numbered,
    written: !o.dryRun,
    text,
    tree,
    packed: { files: packed.files.length, tokens: packed.totals.tokens, dropped },
    totals,
  };
}
