import { UsageError } from '../errors.js';
import { type Plan, readySteps } from '../plan/index.js';

/** Which steps one `specloop run` executes. Default `all`: every remaining step, in order. */
export type Selection =
  | { kind: 'all' }
  | { kind: 'next' }
  | { kind: 'step'; n: number }
  | { kind: 'until'; n: number };

/** Build the selection from flags; more than one of them is a usage error. */
export function selectionFrom(o: {
  step?: number;
  next?: boolean;
  all?: boolean;
  until?: number;
}): Selection {
  const given = [o.step !== undefined, Boolean(o.next), Boolean(o.all), o.until !== undefined].filter(
    Boolean,
  ).length;
  if (given > 1) throw new UsageError('use only one of --step, --next, --all, --until');
  if (o.step !== undefined) return { kind: 'step', n: o.step };
  if (o.until !== undefined) return { kind: 'until', n: o.until };
  if (o.next) return { kind: 'next' };
  return { kind: 'all' };
}

/** Refuse a selection that names a step the plan does not have. */
export function checkSelection(plan: Plan, sel: Selection): void {
  if (sel.kind !== 'step' && sel.kind !== 'until') return;
  if (!plan.steps.some((s) => s.number === sel.n))
    throw new UsageError(`the plan has no step ${sel.n}`, {
      hint: `steps are ${plan.steps[0]?.number}–${plan.steps[plan.steps.length - 1]?.number}`,
    });
}

/** Refuse `--step N` when N is done or waits on unfinished steps (checked before any write). */
export function checkStepRunnable(
  plan: Plan,
  sel: Selection,
  done: ReadonlyMap<number, string | undefined>,
  active?: number,
): void {
  if (sel.kind === 'step') {
    if (done.has(sel.n)) {
      const c = done.get(sel.n);
      throw new UsageError(
        `step ${sel.n} is already done${c ? ` (commit ${c.slice(0, 10)})` : ' (ticked in todo.md)'}`,
        {
          hint: c
            ? `to redo it, revert that commit first (git revert ${c.slice(0, 10)})`
            : 'untick it in todo.md to run it',
        },
      );
    }
    const waiting = (plan.steps.find((s) => s.number === sel.n)?.dependsOn ?? []).filter((d) => !done.has(d));
    if (waiting.length)
      throw new UsageError(`step ${sel.n} depends on step(s) ${waiting.join(', ')}, which are not done`, {
        hint: `run them first: specloop run --until ${sel.n}`,
      });
  }
  if (active !== undefined && !done.has(active)) {
    const wants = sel.kind === 'step' ? sel.n === active : sel.kind === 'until' ? active <= sel.n : true;
    if (!wants)
      throw new UsageError(`the unfinished work of step ${active} is still in the working tree`, {
        hint: `finish it first (specloop run --step ${active}) or discard it (git checkout . && git clean -fd)`,
      });
  }
}

/**
 * The next step to run, or undefined when the selection is exhausted: the unfinished step
 * whose work is in the tree first, then the lowest-numbered step whose dependencies are done.
 */
export function nextStep(
  plan: Plan,
  sel: Selection,
  done: ReadonlySet<number>,
  ran: number,
  active?: number,
): number | undefined {
  if ((sel.kind === 'step' || sel.kind === 'next') && ran >= 1) return undefined;
  if (sel.kind === 'step') return done.has(sel.n) ? undefined : sel.n;
  const ready = readySteps(plan, done).filter((n) => sel.kind !== 'until' || n <= sel.n);
  if (active !== undefined && ready.includes(active)) return active;
  return ready.sort((a, b) => a - b)[0];
}
