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

  const planTemplate = await loadTemplate(ctx, opts.tdd ? 'plan-tdd' : 'plan');
  const planPrompt = renderTemplate(planTemplate, { spec: opts.spec.trim() });
  const drafted = await draftDocument(ctx, llm, {
    file: planFile,
    system: planPrompt.system,
    prompt: planPrompt.prompt,
    model: opts.model ?? planTemplate.model,
    maxRepairs,
    validate: (text) => planProblems(text, planFile),
    onEvent: opts.onEvent,
    totals,
  });
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

  const todoTemplate = await loadTemplate(ctx, 'todo');
  const steps = plan.steps.map((s) => `- [ ] Step ${s.number}: ${s.title}`).join('\n');
  const todoPrompt = renderTemplate(todoTemplate, { plan: drafted.text.trim(), steps });
  const todoDraft = await draftDocument(ctx, llm, {
    file: todoFile,
    system: todoPrompt.system,
    prompt: todoPrompt.prompt,
    model: opts.model ?? todoTemplate.model,
    maxRepairs,
    validate: (text) => todoProblems(text, plan),
    onEvent: opts.onEvent,
    totals,
  });
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
