import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { type Context, rootOf } from '../context.js';
import { currentTree, withProvenance } from '../drift/index.js';
import { UsageError, WorkError } from '../errors.js';
import { type GeneratedPlan, type GeneratePlanOptions, generatePlan } from './generate.js';
import { DRAFT_DIR, type DraftKey, dropDraft, loadDraft, saveDraft } from './plan-draft.js';
import { writeAllOrNothing } from './write-pair.js';

export interface PlanProjectOptions
  extends Pick<GeneratePlanOptions, 'tdd' | 'model' | 'maxRepairs' | 'onEvent'> {
  /** Paths relative to ctx.cwd (or absolute). */
  spec: string;
  output: string;
  todo: string;
  force: boolean;
  /** Generate and return the texts; write nothing. */
  dryRun: boolean;
}

export interface PlanProjectResult extends GeneratedPlan {
  specPath: string;
  planPath: string;
  todoPath: string;
  written: boolean;
  /** The draft of an earlier `plan` that could not write its files, reused (no model call). */
  reusedDraft?: string;
}

/** Read the spec text, or explain how to make one (exit 2). */
export async function readSpec(ctx: Context, spec: string): Promise<{ path: string; text: string }> {
  const path = resolve(ctx.cwd, spec);
  const shown = relative(ctx.cwd, path) || spec;
  const hint = `write one with \`specloop idea "what you want to build"\`, or pass --spec FILE`;
  if (!existsSync(path)) throw new UsageError(`${shown} not found`, { code: 'E_NO_SPEC', hint });
  const text = await readFile(path, 'utf8');
  if (text.trim() === '') throw new UsageError(`${shown} is empty`, { code: 'E_NO_SPEC', hint });
  return { path, text };
}

/**
 * `specloop plan`: spec.md → prompt_plan.md + todo.md. Every check that can fail on
 * input happens before the first model call; both files are validated, then written both
 * or neither (write-pair.ts). The model's answers are kept as a draft before that write
 * and reused by the next `plan` for the same spec and files, so a failed write (a full
 * disk) is never paid for twice.
 */
export async function planProject(ctx: Context, opts: PlanProjectOptions): Promise<PlanProjectResult> {
  const planPath = resolve(ctx.cwd, opts.output);
  const todoPath = resolve(ctx.cwd, opts.todo);
  if (planPath === todoPath)
    throw new UsageError('the plan and the todo list cannot be the same file', {
      hint: 'pick different names with -o and --todo',
    });
  const spec = await readSpec(ctx, opts.spec);
  const root = rootOf(ctx);
  const key: DraftKey = {
    spec: spec.text,
    tdd: opts.tdd,
    model: opts.model,
    models: ctx.config.models,
    planFile: planPath,
    todoFile: todoPath,
  };
  const reused = await loadDraft(root, key);
  // The plan records the code it was planned at (`status` warns when the code moves on).
  const tree = await currentTree(ctx.cwd, ctx.env);
  if (!opts.force && !opts.dryRun) {
    for (const [path, flag, text] of [
      [planPath, '-o', reused && withProvenance(reused.planText, tree, 'top')],
      [todoPath, '--todo', reused?.todoText],
    ] as const) {
      // A `plan` killed between its two renames left one file written from this very draft:
      // that file is ours, so the same command finishes the job instead of refusing it.
      if (existsSync(path) && !(text !== undefined && (await readFile(path, 'utf8')) === text))
        throw new UsageError(`${relative(ctx.cwd, path)} already exists`, {
          code: 'E_EXISTS',
          hint: `pass --force to replace it, ${flag} FILE to write elsewhere, or --dry-run to print to stdout`,
        });
    }
  }
  const generated =
    reused ??
    (await generatePlan(ctx, {
      spec: spec.text,
      tdd: opts.tdd,
      model: opts.model,
      maxRepairs: opts.maxRepairs,
      planFile: relative(ctx.cwd, planPath),
      todoFile: relative(ctx.cwd, todoPath),
      onEvent: opts.onEvent,
    }));
  const reusedDraft = reused ? relative(ctx.cwd, join(root, DRAFT_DIR)) : undefined;
  if (reused)
    generated.totals = { ...reused.totals, calls: 0, usage: { inputTokens: 0, outputTokens: 0 }, cost: null };
  const result = (written: boolean, planText: string): PlanProjectResult => ({
    ...generated,
    planText,
    specPath: spec.path,
    planPath,
    todoPath,
    written,
    reusedDraft,
  });
  const planText = withProvenance(generated.planText, tree, 'top');
  if (opts.dryRun) return result(false, planText);
  // Paid-for answers are kept before any user file is touched, so a failed write costs nothing twice.
  let saved = Boolean(reused);
  if (!reused)
    saved = await saveDraft(root, key, generated).then(
      () => true,
      () => false,
    );
  try {
    await writeAllOrNothing(
      [
        { path: planPath, data: planText },
        { path: todoPath, data: generated.todoText },
      ],
      ctx.faults,
    );
  } catch (err) {
    throw writeFailure(ctx, err, saved);
  }
  await dropDraft(root, key).catch(() => undefined);
  return result(true, planText);
}

/** A failed write names its file and says what to do; neither file was written. */
function writeFailure(ctx: Context, err: unknown, saved: boolean): unknown {
  const e = err as NodeJS.ErrnoException & { target?: string };
  const file = e.target ? relative(ctx.cwd, e.target) || e.target : 'the plan files';
  const again = saved
    ? "the model's answers are kept in .specloop/plan-drafts/, so that makes no model calls"
    : 'the model will be asked again (its answers could not be saved either)';
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT')
    return new WorkError(`no space left on the device while writing ${file}; neither file was written`, {
      code: 'E_NO_SPACE',
      hint: `free some space (df -h ${dirname(e.target ?? ctx.cwd)}) and run \`specloop plan\` again: ${again}`,
      cause: err,
    });
  if (e.code === 'EROFS' || e.code === 'EACCES' || e.code === 'EPERM')
    return new WorkError(`cannot write ${file} (${e.code}); neither file was written`, {
      code: 'E_WRITE',
      hint: `check the permissions of ${dirname(e.target ?? ctx.cwd)}, then run \`specloop plan\` again: ${again}`,
      cause: err,
    });
  return err;
}
