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
export interface RunSetup {
  repoRoot: string;
  plan: Plan;
  planId: string;
  planPath: string;
  todoPath?: string;
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

/** Resolve the repository, plan, test command and limits; every problem is a UsageError (exit 2). */
export async function resolveSetup(ctx: Context, opts: TeamRunOptions): Promise<RunSetup> {
  const top = await tryGit(dirname(opts.planFile), ['rev-parse', '--show-toplevel'], { env: ctx.env });
  if (!top.ok)
    throw new UsageError(`${opts.planFile} is not inside a git repository`, {
      code: 'E_NO_GIT',
      hint: 'parallel and team runs land steps on a git branch: `git init` and commit the plan first',
    });
  const repoRoot = top.stdout.trim();
  const planPath = rel(repoRoot, opts.planFile);
  let text: string;
  try {
    text = await readFile(opts.planFile, 'utf8');
  } catch {
    throw new UsageError(`no plan at ${planPath}`, { code: 'E_NO_PLAN', hint: 'run `specloop plan` first' });
  }
  const plan = parsePlan(text, { file: planPath });
  const testCommand = opts.testCommand ?? ctx.config.test.command;
  if (!testCommand)
    throw new UsageError('no test command: every step is checked by running the tests', {
      code: 'E_NO_TEST_CMD',
      hint: 'set test.command with `specloop init`, or pass --test-cmd "npm test"',
    });
  const parallel = opts.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new UsageError(`--parallel needs a whole number ≥ 1, got ${parallel}`, { code: 'E_USAGE' });
  const known = new Set(plan.steps.map((s) => s.number));
  const unknown = (opts.steps ?? []).filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new UsageError(`the plan has no step ${unknown.join(', ')}`, {
      hint: `steps are 1..${plan.steps.length}; see \`specloop status\``,
    });
  const timeoutMs = ctx.config.test.timeoutSec * 1000;
  return {
    repoRoot,
    plan,
    planId: planIdFor(repoRoot, opts.planFile),
    planPath,
    todoPath: opts.todoFile ? rel(repoRoot, opts.todoFile) : undefined,
    testCommand,
    parallel,
    maxRebases: opts.maxRebases ?? 3,
    targets: withDependencies(plan, opts.steps ?? [...known]),
    test: async (cwd, signal) => {
      const r = await runTests(ctx, { cwd, command: testCommand, timeoutMs, signal });
      return { ok: r.ok, output: r.output };
    },
  };
}

/** The asked-for steps plus everything they depend on (a step cannot land before its dependencies). */
function withDependencies(plan: Plan, steps: number[]): Set<number> {
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
export async function requireCommitted(repoRoot: string, rev: string, label: string, paths: (string | undefined)[]): Promise<void> {
  for (const p of paths) {
    if (!p) continue;
    const committed = await tryGit(repoRoot, ['show', `${rev}:${p}`]);
    const local = await readFile(`${repoRoot}/${p}`, 'utf8').catch(() => undefined);
    if (committed.ok && (local === undefined || committed.stdout === local)) continue;
    throw new UsageError(`${p} is ${committed.ok ? 'changed but not committed' : 'not committed'} on ${label}`, {
      code: 'E_PLAN_NOT_COMMITTED',
      hint: `steps run in worktrees cut from ${label}: \`git add ${p} && git commit -m "plan"\` first`,
    });
  }
}
