import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type GitOptions, tryGit } from '../git/index.js';
import type { Plan } from '../plan/index.js';
import {
  checkStepRunnable,
  defaultRunHooks,
  mergeHooks,
  nextStep,
  type PlanSource,
  type RunHooks,
  type RunSettings,
  runErrors,
  runTests,
  testPreflight,
} from '../run/index.js';
import type { ExecuteFn, TeamRunResult, TestFn } from './types.js';
import { withCheckoutAt } from './worktrees.js';

const rel = (root: string, file: string) => relative(root, file).replace(/\\/g, '/');

/** The repository and plan a team command works on (repo-relative paths). */
export interface PlanSetup {
  repoRoot: string;
  plan: Plan;
  planId: string;
  planPath: string;
  /** Undefined for a `--from` plan whose todo file is not written yet (trailers only). */
  todoPath?: string;
  /** Absolute path of spec.md, when there is one. */
  specPath?: string;
}

/** Everything both modes resolve before scheduling. */
export interface RunSetup extends PlanSetup {
  settings: RunSettings;
  hooks: RunHooks;
  test: TestFn;
  /** The test preflight on `tip`, the commit the steps are cut from (scheduler.ts calls it once). */
  preflight: (tip: string) => Promise<void>;
}

/** Side effects a test can replace (the executor above all), and extra hooks. */
export interface TeamDeps {
  execute?: ExecuteFn;
  hooks?: Partial<RunHooks>;
}

/** The run core's loaded plan, as the team code names its paths (repo-relative). */
export function planSetupFrom(src: PlanSource): PlanSetup {
  return {
    repoRoot: src.repoRoot,
    plan: src.plan,
    planId: src.planId,
    planPath: rel(src.repoRoot, src.planPath),
    todoPath: src.todoOnDisk ? rel(src.repoRoot, src.todoPath) : undefined,
    specPath: src.specPath,
  };
}

/** A step number must belong to the plan (exit 2 listing the valid range). */
export function requireStep(plan: Plan, n: number): void {
  if (!plan.steps.some((s) => s.number === n))
    throw runErrors.noStep(n, plan.steps[0]?.number, plan.steps.at(-1)?.number);
}

/** The plan, settings, hooks and test function of a --parallel / --team run. */
export function resolveSetup(ctx: Context, s: RunSettings, src: PlanSource, deps: TeamDeps = {}): RunSetup {
  const p = planSetupFrom(src);
  const sel = s.selection;
  if (sel.kind === 'step' || sel.kind === 'until') requireStep(p.plan, sel.n);
  return {
    ...p,
    settings: s,
    hooks: mergeHooks(defaultRunHooks(ctx, s), deps.hooks),
    test: async (cwd, signal) => {
      const r = await runTests(ctx, { cwd, command: s.testCommand, timeoutMs: s.testTimeoutMs, signal });
      return { ok: r.ok, output: r.output };
    },
    // The same check as a solo run's, on the tree every step starts from (a throwaway
    // worktree when this checkout is not exactly at that commit).
    preflight: (tip) =>
      withCheckoutAt(
        p.repoRoot,
        { env: ctx.env, planId: p.planId, rev: tip, link: ctx.config.team.linkIgnored },
        (cwd) =>
          testPreflight(ctx, {
            cwd,
            command: s.testCommand,
            timeoutMs: s.testTimeoutMs,
            allowRed: s.allowRed,
            onEvent: (e) => (e.type === 'note' ? ctx.stderr.write(`${e.text}\n`) : undefined),
          }),
      ).then(() => undefined),
  };
}

/**
 * The steps this run should finish, from the selection — the same meaning as solo:
 * all (default); `--until N` the steps up to N; `--step N` only N (refused, exit 2, when it
 * is done or waits on unfinished steps); `--next` the first ready step.
 */
export function targetsFor(plan: Plan, s: RunSettings, doneSet: ReadonlySet<number>): Set<number> {
  const sel = s.selection;
  const all = plan.steps.map((st) => st.number);
  if (sel.kind === 'all') return new Set(all);
  if (sel.kind === 'until') return new Set(all.filter((n) => n <= sel.n));
  if (sel.kind === 'step') {
    checkStepRunnable(plan, sel, new Map([...doneSet].map((n) => [n, undefined])));
    return new Set([sel.n]);
  }
  const n = nextStep(plan, sel, doneSet, 0);
  return new Set(n === undefined ? [] : [n]);
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
  g: GitOptions,
): Promise<void> {
  // Looked at side by side; judged in order (the first file that is off is the one named).
  const looks = paths
    .filter((p): p is string => p !== undefined)
    .map((p) => {
      const committed = tryGit(repoRoot, ['show', `${rev}:${p}`], g);
      committed.catch(() => {}); // awaited below, unless an earlier file already failed
      return { p, committed, local: readFile(`${repoRoot}/${p}`, 'utf8').catch(() => undefined) };
    });
  for (const look of looks) {
    const { p } = look;
    const [committed, local] = await Promise.all([look.committed, look.local]);
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

/** A multiplayer strategy over the run core: `run --parallel N` or `run --team`. */
export type RunStrategy = (
  ctx: Context,
  s: RunSettings,
  src: PlanSource,
  deps?: TeamDeps,
) => Promise<TeamRunResult>;

/** What every strategy starts with: its start time, git options with the context's env, a progress line. */
export function strategyStart(ctx: Context): { started: number; g: GitOptions; say: (t: string) => void } {
  return { started: ctx.clock.now(), g: { env: ctx.env }, say: (t) => ctx.stderr.write(`${t}\n`) };
}
