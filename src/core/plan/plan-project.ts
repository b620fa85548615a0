import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { Context } from '../context.js';
import { currentTree, withProvenance } from '../drift/index.js';
import { UsageError } from '../errors.js';
import { type GeneratedPlan, type GeneratePlanOptions, generatePlan } from './generate.js';

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
 * input happens before the first model call; both files are validated before either is
 * written, and each is written atomically.
 */
export async function planProject(ctx: Context, opts: PlanProjectOptions): Promise<PlanProjectResult> {
  const planPath = resolve(ctx.cwd, opts.output);
  const todoPath = resolve(ctx.cwd, opts.todo);
  if (planPath === todoPath)
    throw new UsageError('the plan and the todo list cannot be the same file', {
      hint: 'pick different names with -o and --todo',
    });
  const spec = await readSpec(ctx, opts.spec);
  if (!opts.force && !opts.dryRun) {
    for (const [path, flag] of [
      [planPath, '-o'],
      [todoPath, '--todo'],
    ] as const) {
      if (existsSync(path))
        throw new UsageError(`${relative(ctx.cwd, path)} already exists`, {
          code: 'E_EXISTS',
          hint: `pass --force to replace it, ${flag} FILE to write elsewhere, or --dry-run to print to stdout`,
        });
    }
  }
  const generated = await generatePlan(ctx, {
    spec: spec.text,
    tdd: opts.tdd,
    model: opts.model,
    maxRepairs: opts.maxRepairs,
    planFile: relative(ctx.cwd, planPath),
    todoFile: relative(ctx.cwd, todoPath),
    onEvent: opts.onEvent,
  });
  // The plan records the code it was planned at (`status` warns when the code moves on).
  const tree = await currentTree(ctx.cwd, ctx.env);
  generated.planText = withProvenance(generated.planText, tree, 'top');
  if (!opts.dryRun) {
    await atomicWrite(planPath, generated.planText);
    await atomicWrite(todoPath, generated.todoText);
  }
  return { ...generated, specPath: spec.path, planPath, todoPath, written: !opts.dryRun };
}
