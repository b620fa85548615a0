import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { formatProblems } from './errors.js';
import { inspectPlan } from './parse-plan.js';
import { parseTodo } from './parse-todo.js';
import { renderTodo } from './render.js';
import { normaliseTitle } from './step-label.js';
import type { Plan, Todo, TodoItem } from './types.js';

export interface SyncTodoOptions {
  /** Absolute (or cwd-relative) paths of the plan and the checklist. */
  plan: string;
  todo: string;
  /** Compute the new todo.md and return it; write nothing. */
  dryRun?: boolean;
}

export interface SyncTodoResult {
  todoPath: string;
  text: string;
  written: boolean;
  /** Unchanged steps whose tick and sub-items were kept, with their old number when it moved. */
  kept: { step: number; from: number; done: boolean }[];
  /** Plan steps with no item in the old todo.md (new, or retitled): unticked. */
  added: number[];
  /** Old items whose step left the plan (title gone); `done` says a tick was dropped. */
  removed: { from: number; title: string; done: boolean }[];
}

/**
 * `specloop plan --sync`: rebuild todo.md from the plan as it is now, without a model. A
 * step is "unchanged" when an old item has its title (compared the way a reader would):
 * that item's tick and sub-items move with it, even to a new number. Everything else
 * starts unticked, so an edited step is never silently considered done.
 */
export async function syncTodo(ctx: Context, opts: SyncTodoOptions): Promise<SyncTodoResult> {
  const show = (p: string) => relative(ctx.cwd, p) || p;
  if (!existsSync(opts.plan))
    throw new UsageError(`${show(opts.plan)} not found`, {
      code: 'E_NO_PLAN',
      hint: 'write a plan first with `specloop plan`',
    });
  const { plan, problems } = inspectPlan(await readFile(opts.plan, 'utf8'));
  if (problems.length > 0)
    throw new UsageError(`${show(opts.plan)} is not valid:\n${formatProblems(problems, show(opts.plan))}`, {
      code: 'E_PLAN_FORMAT',
      hint: 'fix the plan by hand (format: docs/workflow.md); --sync changes todo.md only',
    });
  const oldText = existsSync(opts.todo) ? await readFile(opts.todo, 'utf8') : undefined;
  const old = oldText === undefined ? { items: [], problems: [] } : parseTodo(oldText);
  const merged = mergeTodo(plan, old);
  const heading = oldText?.match(/^#\s+(.+)$/m)?.[1]?.trim();
  const text = renderTodo({ items: merged.items }, { heading });
  const written = !opts.dryRun && text !== oldText;
  if (written) await atomicWrite(opts.todo, text);
  return {
    todoPath: opts.todo,
    text,
    written,
    kept: merged.kept,
    added: merged.added,
    removed: merged.removed,
  };
}

/** Match old items to plan steps by title; pure, so the rules are testable on their own. */
export function mergeTodo(plan: Plan, old: Pick<Todo, 'items'>) {
  const byTitle = new Map<string, TodoItem[]>();
  for (const item of old.items) {
    const key = normaliseTitle(item.title);
    byTitle.set(key, [...(byTitle.get(key) ?? []), item]);
  }
  const used = new Set<TodoItem>();
  const kept: SyncTodoResult['kept'] = [];
  const added: number[] = [];
  const items: TodoItem[] = plan.steps.map((step) => {
    const candidates = (byTitle.get(normaliseTitle(step.title)) ?? []).filter((i) => !used.has(i));
    // Two steps with one title: the old item of the same number first, then in order.
    const match = candidates.find((i) => i.number === step.number) ?? candidates[0];
    if (!match) {
      added.push(step.number);
      return {
        number: step.number,
        title: step.title,
        done: false,
        line: 0,
        checkboxOffset: 0,
        subItems: [],
      };
    }
    used.add(match);
    kept.push({ step: step.number, from: match.number, done: match.done });
    return { ...match, number: step.number, title: step.title };
  });
  const removed = old.items
    .filter((i) => !used.has(i))
    .map((i) => ({ from: i.number, title: i.title, done: i.done }));
  return { items, kept, added, removed };
}
