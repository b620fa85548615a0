import type { Context } from '../context.js';
import type { ExecuteFn } from './engine.js';
import type { RunSetup } from './setup.js';
import type { TeamRunOptions } from './types.js';

/**
 * The real executor: the run module's agent + test loop (`executeStep`), which edits and
 * tests in the step's worktree and leaves the committing to us. Its activity is shown
 * prefixed with the step, since several steps run at once.
 */
export async function defaultExecute(ctx: Context, opts: TeamRunOptions, s: RunSetup): Promise<ExecuteFn> {
  const run = await import('../run/index.js');
  const executor = await run.createExecutor(ctx, opts.executor ?? ctx.config.run.executor, { model: opts.model });
  const maxAttempts = opts.maxAttempts ?? ctx.config.run.maxAttempts;
  const tdd = opts.tdd ?? ctx.config.run.tdd;
  return async ({ dir, step, signal }) => {
    const r = await run.executeStep(ctx, {
      repoDir: dir,
      plan: s.plan,
      step,
      executor,
      testCommand: s.testCommand,
      maxAttempts,
      tdd,
      signal,
      onEvent: (e) => {
        if (e.type === 'attempt-end' && !e.ok) ctx.stderr.write(`step ${step.number}: attempt ${e.attempt} failed${e.reason ? ` — ${e.reason}` : ''}\n`);
        else if (e.type === 'tests-end') ctx.stderr.write(`step ${step.number}: tests ${e.ok ? 'green' : 'red'}\n`);
      },
    });
    return { ok: r.ok, attempts: r.attempts, reason: r.reason, cost: r.cost ?? 0 };
  };
}
