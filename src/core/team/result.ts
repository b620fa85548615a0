import { formatCount, formatUsd } from '../../util/format.js';
import type { EngineResult } from './scheduler.js';
import type { PlanSetup } from './team-setup.js';
import type { TeamRunResult } from './types.js';

/** Turn the engine's outcome into the run result, and say in one line how it went. */
export function summarize(
  mode: TeamRunResult['mode'],
  branch: string,
  s: PlanSetup,
  targets: ReadonlySet<number>,
  r: EngineResult,
  time: { started: number; now: number },
  say: (t: string) => void,
): TeamRunResult {
  const { started } = time;
  const done = [...r.view.done]
    .filter((n) => s.plan.steps.some((st) => st.number === n))
    .sort((a, b) => a - b);
  const remaining = [...targets].filter((n) => !r.view.done.has(n)).sort((a, b) => a - b);
  const landed = r.outcomes.filter((o) => o.status === 'landed').length;
  const failed = r.outcomes.filter((o) => o.status === 'failed');
  const secs = ((time.now - started) / 1000).toFixed(1);
  say(
    `${landed} step${landed === 1 ? '' : 's'} landed on ${branch} in ${secs} s` +
      // What it used and cost, like the solo summary: an executor that reports no usage is
      // "usage unknown", never "0 tokens" (unknown prices count as 0).
      `, ${!r.usageKnown && r.tokens === 0 ? 'usage unknown' : `${formatCount(r.tokens)} tokens`}` +
      (r.cost > 0 ? `, ${formatUsd(r.cost)}` : '') +
      (failed.length ? `; failed: ${failed.map((f) => `step ${f.step}`).join(', ')}` : '') +
      (remaining.length ? `; not done: ${remaining.join(', ')}` : '; every step is done') +
      (r.stoppedForCost ? ' (stopped: --max-cost reached)' : '') +
      (r.paused ? ` (stopped: ${r.paused})` : ''),
  );
  return {
    mode,
    dryRun: false,
    planned: [],
    integrationBranch: branch,
    outcomes: r.outcomes,
    done,
    remaining,
    cost: r.cost,
    durationMs: time.now - started,
    exitCode: remaining.length === 0 || (r.paused && failed.length === 0) ? 0 : 1,
  };
}
