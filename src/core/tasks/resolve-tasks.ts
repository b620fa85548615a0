import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { BUILT_IN_TASKS, type TaskSpec } from './builtin-tasks.js';

/** A task with where it was defined. */
export interface TaskDefinition extends TaskSpec {
  name: string;
  /** `built-in`, or the config file that (last) defined it. */
  origin: string;
  /** When a config file redefines a built-in task: `built-in`. */
  overrides?: string;
  /** The config file set `output`: the user's own path (relative to the working directory), not a draft. */
  explicitOutput?: boolean;
}

/**
 * Every task: built-in ones, then `[tasks.NAME]` from the global config and the project's
 * specloop.toml (already merged by config loading, project last). A config definition
 * overrides field by field: what it leaves out keeps the value it overrides.
 */
export function listTasks(ctx: Pick<Context, 'config' | 'taskOrigins'>): TaskDefinition[] {
  const out = new Map<string, TaskDefinition>();
  for (const [name, spec] of Object.entries(BUILT_IN_TASKS))
    out.set(name, { ...spec, name, origin: 'built-in' });
  for (const [name, cfg] of Object.entries(ctx.config.tasks)) {
    const base = out.get(name);
    const origin = ctx.taskOrigins[name] ?? 'config';
    const merged: TaskDefinition = {
      ...base,
      name,
      origin,
      template: cfg.template,
      // The schema gives a task's pack no defaults: only what the file sets overrides.
      pack: { ...base?.pack, ...cfg.pack },
      variables: { ...base?.variables, ...cfg.variables },
      ...(base ? { overrides: base.origin } : {}),
    };
    for (const key of ['description', 'model', 'role', 'output'] as const) {
      if (cfg[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = cfg[key];
    }
    if (cfg.output !== undefined) merged.explicitOutput = true;
    // A follow-up hint belongs to the built-in template; another template may not want it.
    if (base && cfg.template !== base.template) merged.next = undefined;
    out.set(name, merged);
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One task by name; an unknown name is a usage error listing the tasks there are. */
export function getTask(ctx: Pick<Context, 'config' | 'taskOrigins'>, name: string): TaskDefinition {
  const tasks = listTasks(ctx);
  const hit = tasks.find((t) => t.name === name);
  if (hit) return hit;
  throw new UsageError(`unknown task "${name}"`, {
    code: 'E_UNKNOWN_TASK',
    hint: `tasks: ${tasks.map((t) => t.name).join(', ')} (see \`specloop task list\`; add one with [tasks.${name}] in specloop.toml)`,
  });
}

/**
 * The file name a task writes: `-o` wins, then the task's `output`, then `<name>.md`;
 * undefined = stdout. Where it goes is {@link taskOutputPath}'s business.
 */
export function taskOutput(task: TaskSpec & { name: string }, override?: string): string | undefined {
  const out = override ?? task.output ?? `${task.name}.md`;
  return out === '-' ? undefined : out;
}
