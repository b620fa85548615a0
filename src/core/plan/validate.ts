import { checkAgreement } from './agreement.js';
import { formatProblems } from './errors.js';
import { inspectPlan } from './parse-plan.js';
import { parseTodo } from './parse-todo.js';
import type { Plan } from './types.js';

/** Problems of a candidate prompt_plan.md, one line each (`prompt_plan.md:12: …`). */
export function planProblems(text: string, file: string): string[] {
  const { problems } = inspectPlan(text);
  return problems.length === 0
    ? []
    : formatProblems(problems, file)
        .split('\n')
        .map((l) => l.trim());
}

/** Problems of a candidate todo.md for `plan`: format, agreement with the plan, boxes already ticked. */
export function todoProblems(text: string, plan: Plan): string[] {
  const todo = parseTodo(text);
  const out = checkAgreement(plan, todo);
  for (const item of todo.items) {
    if (item.done)
      out.push(
        `todo.md line ${item.line}: Step ${item.number} is already ticked; every box starts unchecked`,
      );
  }
  return out;
}
