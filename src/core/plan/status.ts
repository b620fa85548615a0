import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Context } from '../context.js';
import { type Drift, driftSince } from '../drift/index.js';
import { checkAgreement } from './agreement.js';
import { blockedSteps, readySteps } from './dag.js';
import { formatProblems } from './errors.js';
import { type OtherPlan, otherPlans } from './other-plans.js';
import { inspectPlan } from './parse-plan.js';
import { parseTodo } from './parse-todo.js';

export interface ProjectStatus {
  spec: { path: string; exists: boolean; empty: boolean };
  plan: { path: string; exists: boolean; valid: boolean; steps: number; problems: string[] };
  todo: { path: string; exists: boolean; items: number };
  done: number[];
  total: number;
  /** The lowest-numbered step that can run now. */
  next: { number: number; title: string } | null;
  ready: number[];
  blocked: { step: number; waitingOn: number[] }[];
  /** Where prompt_plan.md and todo.md disagree (hand edits). */
  mismatches: string[];
  /** True when every step is done. */
  complete: boolean;
  /** Plans run with `--from` / written by `change` (`X.md` + `X.todo.md`, also under changes/). */
  others: OtherPlan[];
  /** spec.md / the plan record the commit they were made from; the code moved a lot since. */
  drift: { spec?: Drift; plan?: Drift };
}

async function readIfExists(path: string): Promise<string | undefined> {
  return existsSync(path) ? readFile(path, 'utf8') : undefined;
}

/** Where the greenfield workflow stands: which files exist, what is done, what can run next. */
export async function projectStatus(
  ctx: Context,
  opts: { spec?: string; plan?: string; todo?: string } = {},
): Promise<ProjectStatus> {
  const specPath = resolve(ctx.cwd, opts.spec ?? 'spec.md');
  const planPath = resolve(ctx.cwd, opts.plan ?? 'prompt_plan.md');
  const todoPath = resolve(ctx.cwd, opts.todo ?? 'todo.md');
  const show = (p: string) => relative(ctx.cwd, p) || p;
  const [specText, planText, todoText] = await Promise.all([specPath, planPath, todoPath].map(readIfExists));

  const inspected = planText === undefined ? undefined : inspectPlan(planText);
  const planProblems = inspected?.problems.length
    ? formatProblems(inspected.problems, show(planPath))
        .split('\n')
        .map((l) => l.trim())
    : [];
  const plan = inspected && planProblems.length === 0 ? inspected.plan : undefined;
  const todo = todoText === undefined ? undefined : parseTodo(todoText);
  const done = new Set((todo?.items ?? []).filter((i) => i.done).map((i) => i.number));
  const mismatches = plan && todo ? checkAgreement(plan, todo) : [];
  const ready = plan ? readySteps(plan, done) : [];
  const nextStep = plan?.steps.find((s) => s.number === ready[0]);
  const total = plan?.steps.length ?? todo?.items.length ?? 0;
  const doneList = [...done].sort((a, b) => a - b);
  const env = ctx.env;
  const [specDrift, planDrift, others] = await Promise.all([
    // The greenfield plan's own steps are not drift of the spec they implement.
    specText === undefined ? undefined : driftSince(ctx.cwd, specText, { env, planFile: planPath }),
    planText === undefined ? undefined : driftSince(ctx.cwd, planText, { env, planFile: planPath }),
    // Beside the plan (the project root by default), not the current directory.
    otherPlans(ctx.cwd, [
      dirname(planPath),
      join(dirname(planPath), 'changes'),
      resolve(dirname(planPath), ctx.config.task.outputDir),
    ]),
  ]);
  // A change plan records its commit too: an unfinished one is checked like the main plan.
  await Promise.all(
    others
      .filter((o) => o.done < o.total)
      .map(async (o) => {
        const planFile = resolve(ctx.cwd, o.plan);
        const d = await driftSince(ctx.cwd, await readFile(planFile, 'utf8'), { env, planFile });
        if (d?.stale) o.drift = d;
      }),
  );
  return {
    spec: { path: show(specPath), exists: specText !== undefined, empty: (specText ?? '').trim() === '' },
    plan: {
      path: show(planPath),
      exists: planText !== undefined,
      valid: Boolean(plan),
      steps: plan?.steps.length ?? 0,
      problems: planProblems,
    },
    todo: { path: show(todoPath), exists: todoText !== undefined, items: todo?.items.length ?? 0 },
    done: doneList,
    total,
    next: nextStep ? { number: nextStep.number, title: nextStep.title } : null,
    ready,
    blocked: plan ? blockedSteps(plan, done) : [],
    mismatches,
    complete: total > 0 && (plan ? plan.steps.every((s) => done.has(s.number)) : done.size === total),
    others,
    drift: {
      ...(specDrift?.stale ? { spec: specDrift } : {}),
      ...(planDrift?.stale ? { plan: planDrift } : {}),
    },
  };
}
