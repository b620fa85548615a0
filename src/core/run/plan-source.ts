import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type Context, rootOf } from '../context.js';
import { UsageError } from '../errors.js';
import { checkAgreement, type Plan, parsePlan, parseTodo, todoFromPlan } from '../plan/index.js';
import { planIdFor } from './plan-id.js';

/** Everything the run needs to know about the plan it executes. */
export interface PlanSource {
  repoRoot: string;
  plan: Plan;
  /** `Specloop-Plan` trailer value (the plan file's repo path without extension). */
  planId: string;
  planPath: string;
  todoPath: string;
  specPath?: string;
  /** todo.md as it is on disk, or generated from the plan (`--from` without one yet). */
  todoText: string;
  todoOnDisk: boolean;
  from: boolean;
}

const rel = (root: string, p: string) => relative(root, p).split('\\').join('/');

/** The todo file that goes with `--from FILE`: `FILE` minus `.md`, plus `.todo.md`. */
export function todoPathFor(planFile: string): string {
  return join(dirname(planFile), `${basename(planFile).replace(/\.(md|markdown|txt)$/i, '')}.todo.md`);
}

/**
 * The last plan parsed, by file and text: the plan-edit check loads the plan before every
 * step (plan-edits.ts), and re-parsing an unchanged plan cost more than the rest of a step's
 * bookkeeping. A parsed Plan is never modified by its users, so it can be handed out again.
 */
let lastParsed: { key: string; plan: Plan } | undefined;

function parsePlanText(text: string, file: string): Plan {
  const key = `${file}\0${text}`;
  if (lastParsed?.key === key) return lastParsed.plan;
  const plan = parsePlan(text, { file });
  lastParsed = { key, plan };
  return plan;
}

/**
 * prompt_plan.md at the project root (as `status` and `plan` read it), else at the repo
 * root. Not in the current directory: from a subdirectory every command sees one plan.
 */
function findDefaultPlan(ctx: Context, repoRoot: string): string | undefined {
  const dirs = [...new Set([rootOf(ctx), repoRoot])];
  for (const d of dirs) if (existsSync(join(d, 'prompt_plan.md'))) return join(d, 'prompt_plan.md');
  return undefined;
}

/**
 * Find and parse the plan and its todo. Default: prompt_plan.md + todo.md (+ spec.md);
 * `from`: any file in prompt_plan format, with `<file>.todo.md` beside it (generated on the
 * first real run). Bad or missing input is a UsageError (exit 2) pointing at the fix.
 */
export async function loadPlanSource(
  ctx: Context,
  o: { repoRoot: string; from?: string },
): Promise<PlanSource> {
  let planPath: string;
  let todoPath: string;
  if (o.from) {
    planPath = resolve(ctx.cwd, o.from);
    if (!existsSync(planPath)) throw new UsageError(`${o.from} does not exist`, { code: 'E_NO_PLAN' });
    if (rel(o.repoRoot, planPath).startsWith('..'))
      throw new UsageError(`${o.from} is outside the repository ${o.repoRoot}`, {
        code: 'E_NO_PLAN',
        hint: 'copy the file into the repository: its steps are tracked by commits there',
      });
    todoPath = todoPathFor(planPath);
  } else {
    const found = findDefaultPlan(ctx, o.repoRoot);
    if (!found)
      throw new UsageError(`no prompt_plan.md found at the project root (${rootOf(ctx)})`, {
        code: 'E_NO_PLAN',
        hint: existsSync(join(ctx.cwd, 'prompt_plan.md'))
          ? 'the prompt_plan.md in this directory is not at the project root: move it and its todo.md there, or run it on its own with `specloop run --from prompt_plan.md` (checklist: prompt_plan.todo.md)'
          : 'run `specloop plan` to write prompt_plan.md and todo.md from spec.md (or `specloop run --from FILE`)',
      });
    planPath = found;
    todoPath = join(dirname(planPath), 'todo.md');
    if (!existsSync(todoPath))
      throw new UsageError(`no todo.md beside ${rel(o.repoRoot, planPath)}`, {
        code: 'E_NO_PLAN',
        hint: 'rebuild it from the plan with `specloop plan --sync` (no model call), or use `specloop run --from prompt_plan.md`',
      });
  }
  // Paths relative to the (real) repo root must agree with git's view: resolve symlinks.
  planPath = realpathSync(planPath);
  todoPath = join(dirname(planPath), basename(todoPath));
  const planText = await readFile(planPath, 'utf8');
  const plan = parsePlanText(planText, rel(o.repoRoot, planPath));
  if (plan.steps.length === 0)
    throw new UsageError(`${rel(o.repoRoot, planPath)} has no "## Step N: Title" sections`, {
      code: 'E_NO_PLAN',
      hint: 'see `specloop plan --help` for the prompt_plan format',
    });
  const todoOnDisk = existsSync(todoPath);
  const todoText = todoOnDisk ? await readFile(todoPath, 'utf8') : todoFromPlan(plan);
  const problems = checkAgreement(plan, parseTodo(todoText));
  if (problems.length)
    throw new UsageError(
      `${rel(o.repoRoot, todoPath)} does not match ${rel(o.repoRoot, planPath)}:\n  ${problems.join('\n  ')}`,
      {
        code: 'E_PLAN_MISMATCH',
        hint: 'after editing the plan, `specloop plan --sync` rebuilds todo.md and keeps the ticks of unchanged steps',
      },
    );
  const spec = join(dirname(planPath), 'spec.md');
  return {
    repoRoot: o.repoRoot,
    plan,
    planId: planIdFor(o.repoRoot, planPath),
    planPath,
    todoPath,
    specPath: existsSync(spec) ? spec : undefined,
    todoText,
    todoOnDisk,
    from: Boolean(o.from),
  };
}
