import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Drift } from '../drift/index.js';
import { parseTodo } from './parse-todo.js';

/** A plan run with `run --from` (or written by `change`): its files and progress. */
export interface OtherPlan {
  plan: string;
  todo: string;
  done: number;
  total: number;
  /** An unfinished plan that records its commit, when the code moved a lot since. */
  drift?: Drift;
}

/**
 * Plans beside prompt_plan.md: every `X.todo.md` in each of `dirs` (the project root, its
 * `changes/`, the task drafts dir where `issues pull` writes issue-prompts.md) whose `X.md`
 * exists (`run --from X.md` writes that todo; `change` writes both). Paths relative to `cwd`.
 */
export async function otherPlans(cwd: string, dirs: string[]): Promise<OtherPlan[]> {
  const out: OtherPlan[] = [];
  for (const d of [...new Set(dirs)]) {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.todo.md')).sort()) {
      const plan = join(d, `${name.slice(0, -'.todo.md'.length)}.md`);
      if (!existsSync(plan)) continue;
      const todo = parseTodo(await readFile(join(d, name), 'utf8'));
      out.push({
        plan: relative(cwd, plan),
        todo: relative(cwd, join(d, name)),
        done: todo.items.filter((i) => i.done).length,
        total: todo.items.length,
      });
    }
  }
  return out;
}
