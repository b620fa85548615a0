import type { Context } from '../context.js';
import type { WorkTreeView } from '../git/index.js';
import type { BetweenStepsHook } from './seams.js';
import type { RunSettings } from './settings.js';

/**
 * The between-steps seam: re-read the plan and todo when the plan file changed (a step not
 * yet started may have been edited), then ask each hook whether to go on, wait or stop.
 */
export async function betweenSteps(
  ctx: Context,
  o: {
    hooks: BetweenStepsHook[];
    runId: string;
    mode: RunSettings['mode'];
    repo: string;
    planId: string;
    done: number[];
    next?: number;
    planChanged: boolean;
    /** See BetweenStepsHook: the tree read shared with the next step. */
    tree?: WorkTreeView;
    note: (text: string) => void;
  },
): Promise<{ stop?: string }> {
  for (const h of o.hooks) {
    for (;;) {
      const d = await h.beforeNextStep(ctx, o);
      if (d.action === 'continue') break;
      if (d.action === 'stop') return { stop: `${h.name}: ${d.reason}` };
      if (d.reason) o.note(d.reason);
      if (ctx.signal.aborted) return { stop: 'interrupted' };
      // While the run waits, the person who paused it may change anything.
      o.tree?.forget();
      await new Promise((r) => setTimeout(r, d.ms));
      o.tree?.forget();
    }
  }
  return {};
}
