import { type Plan, readySteps } from '../plan/index.js';
import type { RunSettings } from '../run/index.js';
import { targetsFor } from './team-setup.js';
import type { TeamRunResult } from './types.js';

/** The result of a --parallel / --team dry run: what would start, from the done steps seen. */
export function dryRunResult(o: {
  mode: TeamRunResult['mode'];
  settings: RunSettings;
  plan: Plan;
  branch: string;
  done: ReadonlySet<number>;
  /** Steps held by teammates' claims (team mode): they would not start here. */
  held?: ReadonlySet<number>;
  durationMs: number;
}): TeamRunResult {
  const targets = targetsFor(o.plan, o.settings, o.done);
  return {
    mode: o.mode,
    dryRun: true,
    planned: plannedWaves(o.plan, targets, o.done, o.settings.parallel, o.held),
    integrationBranch: o.branch,
    outcomes: [],
    done: [...o.done].sort((a, b) => a - b),
    remaining: [...targets].filter((n) => !o.done.has(n)).sort((a, b) => a - b),
    cost: 0,
    durationMs: o.durationMs,
    exitCode: 0,
  };
}

/**
 * What a --parallel / --team run would start, in waves of at most `parallel` ready steps
 * (each wave assumed to land before the next): the dry run's plan. Nothing is written.
 */
export function plannedWaves(
  plan: Plan,
  targets: ReadonlySet<number>,
  done: ReadonlySet<number>,
  parallel: number,
  skip: ReadonlySet<number> = new Set(),
): TeamRunResult['planned'] {
  const d = new Set(done);
  const out: TeamRunResult['planned'] = [];
  const title = (n: number) => plan.steps.find((s) => s.number === n)?.title ?? `step ${n}`;
  for (let wave = 1; ; wave++) {
    const ready = readySteps(plan, d)
      .filter((n) => targets.has(n) && !skip.has(n))
      .sort((a, b) => a - b)
      .slice(0, parallel);
    if (ready.length === 0) return out;
    for (const n of ready) {
      out.push({ step: n, title: title(n), wave });
      d.add(n);
    }
  }
}

/** The dry run of --parallel / --team as text (stdout). */
export function renderTeamDryRun(r: TeamRunResult & { planFile?: string; notes?: string[] }): string {
  const lines = [
    `mode: ${r.mode}${r.planFile ? ` · plan ${r.planFile}` : ''}, ${r.done.length} step(s) done`,
    `integration branch: ${r.integrationBranch}`,
  ];
  for (const n of r.notes ?? []) lines.push(`note: ${n}`);
  if (r.planned.length === 0) lines.push('would run: nothing (every selected step is done or held)');
  else {
    lines.push('would run:');
    for (const s of r.planned) lines.push(`  wave ${s.wave}: step ${s.step}: ${s.title}`);
  }
  return `${lines.join('\n')}\n`;
}
