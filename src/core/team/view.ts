import type { GitOptions } from '../git/index.js';
import { doneSteps, type LandedStep } from '../run/index.js';
import type { View } from './coordinator.js';

/**
 * Done steps at `rev`, by the run core's one definition (landed commits of this plan, not
 * reverted, not of an earlier plan under the same file name; plus boxes ticked by hand).
 */
export async function viewAt(
  repo: string,
  o: GitOptions & { rev: string; planId: string; todoPath?: string },
): Promise<Omit<View, 'heldByOthers'>> {
  const all = await doneSteps(
    { env: o.env },
    { dir: repo, planId: o.planId, ref: o.rev, todoRel: o.todoPath },
  );
  const doneInfo = new Map<number, LandedStep>();
  for (const [n, c] of all) if (c) doneInfo.set(n, c);
  return { tip: o.rev, done: new Set(all.keys()), doneInfo };
}
