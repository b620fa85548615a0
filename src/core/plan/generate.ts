import type { Context } from '../context.js';
import { WorkError } from '../errors.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import { type DraftEvent, type DraftTotals, draftDocument } from './draft.js';
import { parsePlan } from './parse-plan.js';
import { parseTodo } from './parse-todo.js';
import { todoFromPlan } from './render.js';
import type { Plan, Todo } from './types.js';
import { planProblems, todoProblems } from './validate.js';

export interface GeneratePlanOptions {
  spec: string;
  /** Another plan template and its variables (`change`); default `plan-tdd` / `plan` with `{spec}`. */
  template?: string;
  vars?: Record<string, string>;
  /** Problems of a well-formed plan beyond its format (unknown files …), repaired the same way. */
  checkPlan?: (plan: Plan) => string[];
  /** Test-first prompts (the default) or the plain variant. */
  tdd: boolean;
  model?: string;
  /** Repair rounds per file after a malformed answer. */
  maxRepairs?: number;
  /** Names used in messages to the model and the user. */
  planFile?: string;
  todoFile?: string;
  onEvent?: (e: DraftEvent | { type: 'todo-fallback'; problems: string[] }) => void;
}

export interface GeneratedPlan {
  planText: string;
  todoText: string;
  plan: Plan;
  todo: Todo;
  /** True when the model never produced a valid todo.md and we derived it from the plan. */
  todoFromPlan: boolean;
  totals: DraftTotals;
}

/**
 * spec text → validated prompt_plan.md and todo.md texts (nothing is written here).
 * A plan that stays malformed after the repair rounds is a WorkError naming the problems.
 * A todo.md that stays malformed falls back to one derived from the plan (boxes only):
 * the plan is what matters, and a derived checklist is always consistent with it.
 */
export async function generatePlan(ctx: Context, opts: GeneratePlanOptions): Promise<GeneratedPlan> {
  const planFile = opts.planFile ?? 'prompt_plan.md';
  const todoFile = opts.todoFile ?? 'todo.md';
  const maxRepairs = opts.maxRepairs ?? 2;
  const llm = await ctx.llm();
  const totals: DraftTotals = { calls: 0, usage: { inputTokens: 0, outputTokens: 0 }, cost: null };

  // Both files are drafted the same way: a template, the model, and repair rounds.
  const draft = async (
    template: string,
    vars: Record<string, string>,
    file: string,
    validate: (text: string) => string[],
  ) => {
    const t = await loadTemplate(ctx, template);
    const rendered = renderTemplate(t, vars);
    return draftDocument(ctx, llm, {
      file,
      system: rendered.system,
      prompt: rendered.prompt,
      model: opts.model ?? t.model,
      maxRepairs,
      validate,
      onEvent: opts.onEvent,
      totals,
    });
  };

  const drafted = await draft(
    opts.template ?? (opts.tdd ? 'plan-tdd' : 'plan'),
    opts.vars ?? { spec: opts.spec.trim() },
    planFile,
    (text) => {
      const problems = planProblems(text, planFile);
      if (problems.length > 0 || !opts.checkPlan) return problems;
      return opts.checkPlan(parsePlan(text, { file: planFile }));
    },
  );
  if (drafted.problems.length > 0) {
    throw new WorkError(
      `the model did not produce a valid ${planFile} (${drafted.attempts} attempts); nothing was written. Last problems:\n` +
        drafted.problems.map((p) => `  ${p}`).join('\n'),
      {
        code: 'E_PLAN_INVALID',
        hint: 'run again, or use a stronger model with --model (a reasoning model plans best)',
      },
    );
  }
  const plan = parsePlan(drafted.text, { file: planFile });

  const steps = plan.steps.map((s) => `- [ ] Step ${s.number}: ${s.title}`).join('\n');
  const todoDraft = await draft('todo', { plan: drafted.text.trim(), steps }, todoFile, (text) =>
    todoProblems(text, plan),
  );
  let todoText = todoDraft.text;
  const fallback = todoDraft.problems.length > 0;
  if (fallback) {
    opts.onEvent?.({ type: 'todo-fallback', problems: todoDraft.problems });
    todoText = todoFromPlan(plan);
  }
  return {
    planText: drafted.text,
    todoText,
    plan,
    todo: parseTodo(todoText),
    todoFromPlan: fallback,
    totals,
  };
}
