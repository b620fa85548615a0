import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { ExecuteFn } from './engine.js';
import type { RunSetup } from './setup.js';
import type { TeamRunOptions } from './types.js';

/**
 * The real executor: the run module's agent + test loop (`executeStep`), which edits and
 * tests in the step's worktree and leaves the committing to us. Its activity is reported
 * prefixed with the step, since several steps run at once.
 */
export async function defaultExecute(ctx: Context, opts: TeamRunOptions, s: RunSetup): Promise<ExecuteFn> {
  const run = await import('../run/index.js');
  const executor = await run.createExecutor(ctx, opts.executor ?? ctx.config.run.executor, {
    model: opts.model,
    preflight: true,
  });
  const specFile = opts.specFile ?? join(s.repoRoot, 'spec.md');
  const spec = existsSync(specFile) ? await readFile(specFile, 'utf8') : undefined;
  return async ({ dir, step, done, note, signal }) => {
    const say = (t: string) => ctx.stderr.write(`step ${step.number}: ${t}\n`);
    const r = await run.executeStep(ctx, {
      repoDir: dir,
      plan: s.plan,
      step,
      executor,
      testCommand: s.testCommand,
      maxAttempts: opts.maxAttempts,
      tdd: opts.tdd,
      spec,
      done,
      note,
      ignore: s.todoPath ? [s.todoPath] : [],
      signal,
      onEvent: (e) => {
        if (e.type === 'attempt-start') say(`attempt ${e.attempt}/${e.maxAttempts} with ${executor.label}`);
        else if (e.type === 'attempt-end' && !e.ok)
          say(`attempt ${e.attempt} failed — ${e.reason ?? 'unknown reason'}`);
        else if (e.type === 'tests-end') say(`tests ${e.ok ? 'green' : 'red'}`);
      },
    });
    return { ok: r.ok, attempts: r.attempts, reason: r.reason, cost: r.cost };
  };
}
