import { fenceFor } from '../../util/markdown-fence.js';
import type { Plan, PlanStep, Todo } from './types.js';

/** The `Depends on:` line for a step, or '' when it only depends on the previous step (the default). */
export function dependsLine(step: Pick<PlanStep, 'number' | 'dependsOn'>, previous?: number): string {
  const implicit = previous === undefined ? [] : [previous];
  const same = step.dependsOn.length === implicit.length && step.dependsOn.every((d, i) => d === implicit[i]);
  if (same) return '';
  return `Depends on: ${step.dependsOn.length === 0 ? 'none' : step.dependsOn.join(', ')}`;
}

/** Render a plan in the canonical prompt_plan.md format ({@link parsePlan} reads it back). */
export function renderPlan(plan: Plan): string {
  const parts: string[] = [];
  if (plan.overview.trim()) parts.push(plan.overview.trim());
  plan.steps.forEach((step, i) => {
    const section = [`## Step ${step.number}: ${step.title}`];
    if (step.context.trim()) section.push(step.context.trim());
    const dep = dependsLine(step, plan.steps[i - 1]?.number);
    if (dep) section.push(dep);
    const fence = fenceFor(step.prompt);
    section.push(`${fence}text\n${step.prompt.replace(/\n$/, '')}\n${fence}`);
    parts.push(section.join('\n\n'));
  });
  return `${parts.join('\n\n')}\n`;
}

/** Render a todo.md from parsed items (sub-items indented under their step). */
export function renderTodo(todo: Pick<Todo, 'items'>, opts: { heading?: string } = {}): string {
  const lines = [`# ${opts.heading ?? 'Todo'}`, ''];
  for (const item of todo.items) {
    lines.push(`- [${item.done ? 'x' : ' '}] Step ${item.number}: ${item.title}`);
    for (const sub of item.subItems) lines.push(`  - [${sub.done ? 'x' : ' '}] ${sub.text}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A todo.md for a plan that has none (e.g. `run --from issue-prompts.md`): one box per step. */
export function todoFromPlan(plan: Plan, opts: { heading?: string } = {}): string {
  return renderTodo(
    {
      items: plan.steps.map((s) => ({
        number: s.number,
        title: s.title,
        done: false,
        line: 0,
        checkboxOffset: 0,
        subItems: [],
      })),
    },
    opts,
  );
}
