import type { Context } from '../context.js';
import { InterruptedError, isSpecloopError } from '../errors.js';
import { isInfraError } from '../llm/infra-error.js';
import { type PlanStep, readySteps } from '../plan/index.js';
import { betweenSteps } from '../run/index.js';
import type { View } from './coordinator.js';
import { IntegrationQueue } from './integration-queue.js';
import { sleep } from './mutex.js';
import type { EngineOptions, StepOutcome } from './types.js';

export type { EngineOptions } from './types.js';

import { runWorktreeStep } from './worktree-step.js';
import { resolveLinks } from './worktrees.js';

export interface EngineResult {
  outcomes: StepOutcome[];
  view: View;
  cost: number;
  /** Tokens in + out of every executor call; false when some call reported no usage. */
  tokens: number;
  usageKnown: boolean;
  stoppedForCost: boolean;
  /** A between-steps hook stopped the run (pause): why. */
  paused?: string;
}

/**
 * The scheduler shared by `--parallel` and `--team` (the integration queue's invariant: at
 * most one landing at a time per process, each on the tip it was tested on): start ready steps (up to `parallel`
 * at once) in their own worktrees, and land each green one through a single integration
 * queue — rebase onto the tip, retest, publish fast-forward, tick todo.md in that commit.
 * A conflict or a red rebase sends the step back to the executor on the new base, a
 * bounded number of times. A failed step blocks only the steps that depend on it.
 */
export async function runScheduler(ctx: Context, o: EngineOptions): Promise<EngineResult> {
  const coord = o.coordinator;
  const queue = new IntegrationQueue();
  const running = new Map<number, Promise<void>>();
  const failed = new Set<number>();
  const outcomes: StepOutcome[] = [];
  let cost = 0;
  let tokens = 0;
  let usageUnknown = false;
  let stoppedForCost = false;
  // An infrastructure failure (endpoint, key, model, a test command that cannot run) stops
  // the whole run, as solo: no other step can succeed either.
  let fatal: unknown;
  // How many steps had settled when `view` was read: in parallel mode nothing else moves the
  // branch, so a view read after the last one settled is still the truth at the end.
  let settled = 0;
  let seen = 0;
  const refresh = async () => {
    seen = settled;
    return coord.refresh();
  };
  let view = o.start ?? (await refresh());
  // Once per run, before any agent is paid: the suite runs, and is green (or --allow-red).
  if (o.preflight && [...o.targets].some((n) => !view.done.has(n))) await o.preflight(view.tip);
  // Stops every step: on Ctrl-C, or when the scheduler itself fails.
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  const byNumber = new Map(o.plan.steps.map((s) => [s.number, s]));
  // Cleanup of landed steps, run beside the next steps; all of it finishes before the run returns.
  const housekeeping: Promise<unknown>[] = [];
  // Which ignored directories the worktrees link, looked up once per integration tip (a
  // landed .gitignore can change the answer), not once per step.
  let linked: { tip: string; dirs: Promise<readonly string[]> } | undefined;
  const links = (tip: string) => {
    if (linked?.tip !== tip)
      linked = { tip, dirs: resolveLinks(o.repoRoot, ctx.config.team.linkIgnored, { env: o.env }) };
    return linked.dirs;
  };

  const start = (n: number, base: View) => {
    const step = byNumber.get(n) as PlanStep;
    const p = runWorktreeStep(
      {
        o,
        queue,
        signal: stop.signal,
        spent: (r) => {
          cost += r.cost;
          tokens += r.usage.inputTokens + r.usage.outputTokens;
          if (!r.usageKnown) usageUnknown = true;
        },
        // Steps running side by side share the budget: each sees what finished steps spent.
        budgetLeft: () => (o.maxCost === undefined ? undefined : Math.max(0, o.maxCost - cost)),
        templates: ctx,
        links,
        afterLanding: (work) =>
          housekeeping.push(work.catch((e) => o.say(`step ${n}: after landing: ${(e as Error).message}`))),
        now: () => ctx.clock.now(),
      },
      step,
      base,
    )
      .then(
        (out) => {
          outcomes.push(out);
          // A step whose claim we lost is not retried by this run: a teammate has it, or someone released it on purpose.
          if (out.status === 'skipped' && !out.commit) failed.add(n);
          if (out.status === 'failed') {
            failed.add(n);
            if (out.reason?.startsWith('cost limit')) stoppedForCost = true;
            o.say(`step ${n}: failed — ${out.reason}; its worktree is kept for a look`);
          }
        },
        (err) => {
          failed.add(n);
          if (isInfraError(err) || (isSpecloopError(err) && err.exitCode === 2)) {
            fatal ??= err;
            stop.abort();
          }
          outcomes.push({
            step: n,
            status: 'failed',
            attempts: 0,
            rebases: 0,
            durationMs: 0,
            reason: String((err as Error).message ?? err),
          });
          if (!(err instanceof InterruptedError)) o.say(`step ${n}: error — ${(err as Error).message}`);
        },
      )
      .finally(async () => {
        settled += 1;
        await coord
          .release(n)
          .catch((e) => o.say(`step ${n}: could not release the claim: ${(e as Error).message}`));
        running.delete(n);
      });
    running.set(n, p);
  };

  let paused: string | undefined;
  try {
    for (;;) {
      if (stop.signal.aborted) break;
      const remaining = [...o.targets].filter((n) => !view.done.has(n));
      if (remaining.length === 0 && running.size === 0) break;
      const ready = readySteps(o.plan, view.done).filter(
        (n) => o.targets.has(n) && !running.has(n) && !failed.has(n) && !view.heldByOthers.has(n),
      );
      if (ready.length && running.size < o.parallel && !paused) {
        const gate = await betweenSteps(ctx, {
          hooks: o.hooks.betweenSteps,
          runId: o.runId,
          mode: o.mode,
          repo: o.repoRoot,
          planId: o.planId,
          done: [...view.done],
          next: ready[0],
          planChanged: false,
          note: o.say,
        });
        if (gate.stop) {
          paused = gate.stop;
          o.say(`${gate.stop}: no new step starts; running steps finish`);
        }
      }
      if (paused && running.size === 0) break;
      let contended = false; // a teammate claimed a step between our look and our claim
      for (const n of paused ? [] : ready) {
        if (running.size >= o.parallel) break;
        if (o.maxCost !== undefined && cost >= o.maxCost) {
          stoppedForCost = true;
          break;
        }
        if (await coord.acquire(n)) start(n, view);
        else contended = true;
      }
      if (running.size === 0) {
        const othersWorking = contended || remaining.some((n) => view.heldByOthers.has(n));
        if (!othersWorking || stoppedForCost) break;
        await sleep(coord.pollMs, stop.signal);
      } else {
        await Promise.race([
          ...running.values(),
          ...(coord.mode === 'team' ? [sleep(coord.pollMs, stop.signal)] : []),
        ]);
      }
      view = await refresh();
    }
  } catch (err) {
    // Stop the steps still running (their claims are released) before giving up.
    stop.abort();
    await Promise.allSettled([...running.values()]);
    await Promise.allSettled(housekeeping);
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
  }
  await Promise.allSettled([...running.values()]);
  const cleaned = Promise.allSettled(housekeeping); // every step has settled: nothing is added any more
  if (fatal) {
    await cleaned;
    throw fatal;
  }
  if (coord.mode === 'team' || seen !== settled) view = await refresh();
  await cleaned;
  if (ctx.signal.aborted)
    throw new InterruptedError(
      'interrupted: unfinished steps keep their worktrees and resume on the next run',
    );
  return { outcomes, view, cost, tokens, usageKnown: !usageUnknown, stoppedForCost, paused };
}
