import { commitLinesOf } from '../github/commit-lines.js';

/** Trailer keys written on every step commit (solo, parallel, team, `specloop done`). */
export const STEP_TRAILER = 'Specloop-Step';
export const PLAN_TRAILER = 'Specloop-Plan';
/**
 * Written by `specloop undo` on the commit that takes a step back: the id of the step commit
 * it reverts. A plain `git revert` is recognised too, by git's own "This reverts commit <id>."
 */
export const REVERT_TRAILER = 'Specloop-Revert';

/**
 * Message for a step commit: subject, optional body, then the trailers. `context` is the
 * step's context prose: its `Commit message: …` lines (e.g. `Fixes #12` from `issues pull`)
 * are appended to the body, so the commit closes the issue it implements.
 */
export function stepMessage(opts: {
  step: number;
  title: string;
  planId: string;
  body?: string;
  context?: string;
}): string {
  const subject = `step ${opts.step}: ${opts.title}`.replace(/\s+/g, ' ').slice(0, 120);
  const lines = [opts.body?.trim(), ...commitLinesOf(opts.context ?? '')].filter(Boolean);
  const body = lines.length ? `\n\n${lines.join('\n')}` : '';
  return `${subject}${body}\n\n${STEP_TRAILER}: ${opts.step}\n${PLAN_TRAILER}: ${opts.planId}\n`;
}
