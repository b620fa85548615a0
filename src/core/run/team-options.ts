import type { Context } from '../context.js';
import type { TeamRunOptions } from '../team/types.js';
import { requireRepo } from './git.js';
import { loadPlanSource } from './plan-source.js';
import { prepareRun } from './prepare-run.js';
import type { RunPlanOptions } from './run-plan.js';

/**
 * Translate `specloop run --parallel N | --team` flags into the team scheduler's options.
 * For `--parallel` on one machine the run branch is prepared exactly as for a normal run
 * (fresh `specloop/<plan>` branch, plan files committed, crash leftovers recovered) and
 * becomes the integration branch; team mode lands on the remote's integration branch.
 */
export async function teamRunOptions(
  ctx: Context,
  o: RunPlanOptions & { parallel?: number; team?: boolean; remote?: string; json?: boolean },
): Promise<TeamRunOptions> {
  const repo = await requireRepo(ctx.cwd, { env: ctx.env });
  const src = await loadPlanSource(ctx, { repoRoot: repo, from: o.from });
  // Team mode lands on `--branch` when given (else team.integrationBranch / the tracked branch).
  let integrationBranch: string | undefined = o.team && typeof o.branch === 'string' ? o.branch : undefined;
  // As in a solo run: a missing key must fail before the run branch is prepared.
  if (!o.dryRun && (o.executor ?? ctx.config.run.executor) === 'builtin')
    await (await ctx.llm()).preflight?.({ model: o.model, role: 'code' });
  if (!o.team && !o.dryRun)
    integrationBranch = (await prepareRun(ctx, src, { branch: o.branch, yes: o.yes })).branch.target;
  const steps =
    o.step !== undefined
      ? [o.step]
      : o.until !== undefined
        ? src.plan.steps.map((s) => s.number).filter((n) => n <= (o.until as number))
        : undefined;
  return {
    planFile: src.planPath,
    todoFile: src.todoPath,
    specFile: src.specPath,
    parallel: o.parallel,
    executor: o.executor,
    testCommand: o.testCommand,
    maxAttempts: o.maxAttempts,
    tdd: o.tdd,
    remote: o.remote,
    integrationBranch,
    model: o.model,
    maxCost: o.maxCost,
    yes: o.yes,
    json: o.json,
    steps,
  };
}
