import { relative } from 'node:path';
import type { Context } from '../context.js';
import { commit, git, showFile, status, underPaths, type WorkTreeView } from '../git/index.js';
import { inspectPlan } from '../plan/index.js';
import { isMachineState } from './machine-state.js';
import { loadPlanSource } from './plan-source.js';
import type { BetweenStepsHook } from './seams.js';
import type { RunSettings } from './settings.js';

/**
 * Plan edits made while a run is going (solo): before the next step, an edited plan file
 * is committed on its own as "specloop: update plan" — never inside a step's commit, which
 * leaves the plan file out (solo-step.ts). Steps that already landed keep their ticks; when
 * such a step's prompt changed, the run says so and how to run it again.
 */
export function planEditsHook(s: RunSettings): BetweenStepsHook {
  return {
    name: 'plan edits',
    async beforeNextStep(ctx, e) {
      if (e.mode !== 'solo') return { action: 'continue' };
      const notes = await commitPlanEdit(ctx, { repo: e.repo, from: s.from, done: e.done, tree: e.tree });
      for (const n of notes) ctx.log.info(n);
      return { action: 'continue' };
    },
  };
}

export async function commitPlanEdit(
  ctx: Context,
  o: { repo: string; from?: string; done: number[]; tree?: WorkTreeView },
): Promise<string[]> {
  const env = ctx.env;
  const src = await loadPlanSource(ctx, { repoRoot: o.repo, from: o.from });
  const planRel = relative(o.repo, src.planPath).split('\\').join('/');
  // A plan under .specloop/ (a draft from `issues pull`) is machine state: never committed.
  if (isMachineState(planRel)) return [];
  const dirty = o.tree
    ? underPaths((await o.tree.read()).entries, [planRel])
    : await status(o.repo, { env, paths: [planRel] });
  if (dirty.length === 0) return [];
  // The commit below moves HEAD and cleans the plan file: the shared read is out of date.
  o.tree?.forget();
  const before = await showFile(o.repo, 'HEAD', planRel, { env });
  const notes: string[] = [];
  if (before !== undefined) {
    const old = inspectPlan(before).plan.steps;
    for (const step of src.plan.steps) {
      const was = old.find((x) => x.number === step.number);
      if (was && o.done.includes(step.number) && was.prompt.trim() !== step.prompt.trim())
        notes.push(
          `step ${step.number} already landed and its prompt changed: it keeps its tick; \`specloop run --step ${step.number} --redo\` runs it again`,
        );
    }
  }
  await git(o.repo, ['add', '--', planRel], { env });
  await commit(o.repo, 'specloop: update plan\n', { env, paths: [planRel] });
  return [`committed ${planRel} ("specloop: update plan"): the plan was edited during the run`, ...notes];
}
