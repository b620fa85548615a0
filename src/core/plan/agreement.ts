import { normaliseTitle } from './step-label.js';
import type { Plan, Todo } from './types.js';

/**
 * Where prompt_plan.md and todo.md disagree, one readable message each; [] when they
 * agree (same step numbers, same titles up to case/emphasis/punctuation, no duplicates).
 */
export function checkAgreement(plan: Plan, todo: Todo): string[] {
  const out: string[] = todo.problems.map((p) =>
    p.line ? `todo.md line ${p.line}: ${p.message}` : p.message,
  );
  const byNumber = new Map<number, Todo['items']>();
  for (const item of todo.items) byNumber.set(item.number, [...(byNumber.get(item.number) ?? []), item]);
  for (const step of plan.steps) {
    const items = byNumber.get(step.number) ?? [];
    if (items.length === 0) {
      out.push(`todo.md has no item for Step ${step.number} ("${step.title}")`);
      continue;
    }
    if (items.length > 1)
      out.push(
        `todo.md lists Step ${step.number} ${items.length} times (lines ${items.map((i) => i.line).join(', ')})`,
      );
    const item = items[0]!;
    if (normaliseTitle(item.title) !== normaliseTitle(step.title))
      out.push(
        `Step ${step.number} has different titles: prompt_plan.md line ${step.line} says "${step.title}", todo.md line ${item.line} says "${item.title}"`,
      );
  }
  const known = new Set(plan.steps.map((s) => s.number));
  for (const item of todo.items) {
    if (!known.has(item.number))
      out.push(
        `todo.md line ${item.line} lists Step ${item.number} ("${item.title}"), which prompt_plan.md does not have`,
      );
  }
  return out;
}
