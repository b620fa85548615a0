import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type Plan, parsePlan } from '../plan/index.js';
import { runTests } from '../run/test-runner.js';
import type { ExecuteFn, TestFn } from './engine.js';
import { tryGit } from './git.js';
import { planIdFor } from './plan-id.js';
import type { TeamRunOptions } from './types.js';

/** Everything both modes resolve before scheduling. */
export interface RunSetup extends PlanSetup {
  testCommand: string;
  parallel: number;
  maxRebases: number;
  targets: Set<number>;
  test: TestFn;
}

/** Side effects a test can replace (the executor above all). */
export interface TeamDeps {
  execute?: ExecuteFn;
}

const rel = (root: string, file: string) => relative(root, file).replace(/\\/g, '/');

/** The repository and plan a team command works on. */
export interface PlanSetup {
  repoRoot: string;
  plan: Plan;
  planId: string;
  planPath: string;
  todoPath?: string;
}

/** Find the repository and parse the plan (a cycle or unknown dependency is a PlanFormatError, exit 2). */
export async function resolvePlan(
  ctx: Context,
  o: { planFile: string; todoFile?: string },
): Promise<PlanSetup> {
  // Real paths, so repo-relative names (and the plan id) agree with git's view and the single-player run.
  const planFile = existsSync(o.planFile) ? realpathSync(o.planFile) : o.planFile;
  const todoFile = o.todoFile && existsSync(o.todoFile) ? realpathSync(o.todoFile) : undefined;
  const top = await tryGit(dirname(planFile), ['rev-parse', '--show-toplevel'], { env: ctx.env });
  if (!top.ok)
    throw new UsageError(`${o.planFile} is not inside a git repository`, {
      code: 'E_NO_GIT',
      hint: 'parallel and team runs land steps on a git branch: `git init` and commit the plan first',
    });
  const repoRoot = top.stdout.trim();
  const planPath = rel(repoRoot, planFile);
  let text: string;
  try {
    text = await readFile(planFile, 'utf8');
  } catch {
    throw new UsageError(`no plan at ${planPath}`, { code: 'E_NO_PLAN', hint: 'run `specloop plan` first' });
  }
  return {
    repoRoot,
    plan: parsePlan(text, { file: planPath }),
    planId: planIdFor(repoRoot, planFile),
    planPath,
    todoPath: todoFile ? rel(repoRoot, todoFile) : undefined,
  };
}

/** The plan a step number must belong to, or a UsageError listing the valid range. */
export function requireStep(plan: Plan, n: number): void {
  if (!plan.steps.some((s) => s.number === n))
    throw new UsageError(`the plan has no step ${n}`, {
      hint: `steps are 1..${plan.steps.length}; see \`specloop team status\``,
    });
}

/** Resolve the repository, plan, test command and limits; every problem is a UsageError (exit 2). */
export async function resolveSetup(ctx: Context, opts: TeamRunOptions): Promise<RunSetup> {
  const p = await resolvePlan(ctx, opts);
  const { plan } = p;
  const testCommand = opts.testCommand ?? ctx.config.test.command;
  if (!testCommand)
    throw new UsageError('no test command: every step is checked by running the tests', {
      code: 'E_NO_TEST_CMD',
      hint: 'set test.command with `specloop init`, or pass --test-cmd "npm test"',
    });
  const parallel = opts.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new UsageError(`--parallel needs a whole number ≥ 1, got ${parallel}`, { code: 'E_USAGE' });
  for (const n of opts.steps ?? []) requireStep(plan, n);
  const timeoutMs = ctx.config.test.timeoutSec * 1000;
  return {
    ...p,
    testCommand,
    parallel,
    maxRebases: opts.maxRebases ?? 3,
    targets: withDependencies(plan, opts.steps ?? plan.steps.map((s) => s.number)),
    test: async (cwd, signal) => {
      const r = await runTests(ctx, { cwd, command: testCommand, timeoutMs, signal });
      return { ok: r.ok, output: r.output };
    },
  };
}

/** The asked-for steps plus everything they depend on (a step cannot land before its dependencies). */
export function withDependencies(plan: Plan, steps: number[]): Set<number> {
  const deps = new Map(plan.steps.map((s) => [s.number, s.dependsOn]));
  const out = new Set<number>();
  const add = (n: number) => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of deps.get(n) ?? []) add(d);
  };
  for (const n of steps) add(n);
  return out;
}

/**
 * Worktrees are cut from the integration branch, so the plan (and todo.md) must be
 * committed there exactly as the working copy has them.
 */
export async function requireCommitted(
  repoRoot: string,
  rev: string,
  label: string,
  paths: (string | undefined)[],
): Promise<void> {
  for (const p of paths) {
    if (!p) continue;
    const committed = await tryGit(repoRoot, ['show', `${rev}:${p}`]);
    const local = await readFile(`${repoRoot}/${p}`, 'utf8').catch(() => undefined);
    if (committed.ok && (local === undefined || committed.stdout === local)) continue;
    throw new UsageError(
      `${p} ${committed.ok ? 'differs from the one committed' : 'is not committed'} on ${label}`,
      {
        code: 'E_PLAN_NOT_COMMITTED',
        hint: `steps run in worktrees cut from ${label}: \`git add ${p} && git commit -m "plan"\` first`,
      },
    );
  }
}
