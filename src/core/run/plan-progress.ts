import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Context } from '../context.js';
import { repoRoot } from '../git/index.js';
import { type LandedStep, landedSteps, tickedSteps } from './landed-steps.js';
import { planIdFor } from './plan-id.js';

export interface PlanProgress {
  planId: string;
  /** Steps landed in git (the one definition: landed-steps.ts), by step number. */
  landed: LandedStep[];
  /** Ticked in the todo file with no landed commit: ticked by hand, or its commit was reverted. */
  tickedOnly: number[];
}

/**
 * What git says about a plan's progress, for `specloop status` (and the board): the
 * landed steps and the ticks that have no landing. Undefined outside a git repository or
 * when the plan file does not exist.
 */
export async function planProgress(
  ctx: Pick<Context, 'cwd' | 'env'>,
  o: { planFile: string; todoFile: string },
): Promise<PlanProgress | undefined> {
  const planPath = resolve(ctx.cwd, o.planFile);
  if (!existsSync(planPath)) return undefined;
  const root = await repoRoot(ctx.cwd, { env: ctx.env }).catch(() => undefined);
  if (!root) return undefined;
  const real = realpathSync(planPath);
  const todoPath = resolve(ctx.cwd, o.todoFile);
  const todoRel = relative(root, existsSync(todoPath) ? realpathSync(todoPath) : todoPath)
    .split('\\')
    .join('/');
  const planId = planIdFor(root, real);
  const todoText = await readFile(todoPath, 'utf8').catch(() => undefined);
  const landed = await landedSteps(ctx, { dir: root, planId, todoRel, workingTodo: todoText });
  const ticked = todoText ? [...tickedSteps(todoText)] : [];
  return {
    planId,
    landed: [...landed.values()].sort((a, b) => a.step - b.step),
    tickedOnly: ticked.filter((n) => !landed.has(n)).sort((a, b) => a - b),
  };
}
