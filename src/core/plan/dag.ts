import type { Plan, PlanProblem, PlanStep } from './types.js';

/** `Depends on: 1, 3` (also `**Depends on:** Step 1 and Step 3`, `Depends on: none`). */
const DEPENDS = /^\s*(?:[-*+]\s+)?[*_]{0,2}\s*depends\s+on\s*[*_]{0,2}\s*:\s*[*_]{0,2}\s*(.*?)\s*$/i;

/** Match a `Depends on:` line; returns the raw list after the colon. */
export function matchDependsLine(line: string): string | undefined {
  const m = DEPENDS.exec(line);
  return m ? m[1]! : undefined;
}

/** Parse the list after `Depends on:`; `none` / `-` / empty ⇒ []. Returns an error text on junk. */
export function parseDependsList(raw: string): number[] | string {
  // Models like to explain: `1, 3 (uses the parser)`, `2 — needs the reader`.
  const list = raw
    .replace(/[*_`]/g, '')
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s[—–-]\s/)[0]!
    .replace(/[.;:]\s*$/, '')
    .trim();
  if (/^(none|nothing|n\/a|-|—|–|)$/i.test(list)) return [];
  const out: number[] = [];
  for (const part of list.split(/\s*(?:,|\band\b|&|\s)\s*/i)) {
    if (!part || /^steps?$/i.test(part)) continue;
    const m = /^#?(\d+)$/.exec(part);
    if (!m) return `cannot read "Depends on: ${raw}" (expected step numbers like "1, 3", or "none")`;
    const n = Number(m[1]);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Unknown or self dependencies, and cycles (each named as `Step 2 → Step 3 → Step 2`). */
export function checkDag(steps: PlanStep[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const known = new Set(steps.map((s) => s.number));
  for (const s of steps) {
    for (const d of s.dependsOn) {
      if (d === s.number) problems.push({ line: s.line, message: `Step ${s.number} depends on itself` });
      else if (!known.has(d))
        problems.push({
          line: s.line,
          message: `Step ${s.number} depends on Step ${d}, which does not exist`,
        });
    }
  }
  if (problems.length > 0) return problems;
  const cycle = findCycle(steps);
  if (cycle) {
    const first = steps.find((s) => s.number === cycle[0]);
    problems.push({
      line: first?.line,
      message: `dependency cycle: ${cycle.map((n) => `Step ${n}`).join(' → ')} (each depends on the next)`,
    });
  }
  return problems;
}

/** The first cycle found as a closed path [a, b, …, a], or undefined for a DAG. */
export function findCycle(steps: Pick<PlanStep, 'number' | 'dependsOn'>[]): number[] | undefined {
  const deps = new Map(steps.map((s) => [s.number, s.dependsOn]));
  const state = new Map<number, 'active' | 'done'>();
  const path: number[] = [];
  const visit = (n: number): number[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'active') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'active');
    path.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = deps.has(d) ? visit(d) : undefined;
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const s of steps) {
    const c = visit(s.number);
    if (c) return c;
  }
  return undefined;
}

/** Steps not yet done whose dependencies are all done, in step order. */
export function readySteps(plan: Plan, done: ReadonlySet<number>): number[] {
  return plan.steps
    .filter((s) => !done.has(s.number) && s.dependsOn.every((d) => done.has(d)))
    .map((s) => s.number);
}

/** Steps that are not done and wait on at least one step that is not done. */
export function blockedSteps(plan: Plan, done: ReadonlySet<number>): { step: number; waitingOn: number[] }[] {
  return plan.steps
    .filter((s) => !done.has(s.number))
    .map((s) => ({ step: s.number, waitingOn: s.dependsOn.filter((d) => !done.has(d)) }))
    .filter((b) => b.waitingOn.length > 0);
}

/** Length (in steps) of the longest dependency chain: the best wall time of a perfectly parallel run. */
export function criticalPathLength(plan: Plan): number {
  const memo = new Map<number, number>();
  const byNumber = new Map(plan.steps.map((s) => [s.number, s]));
  const depth = (n: number): number => {
    const cached = memo.get(n);
    if (cached !== undefined) return cached;
    const s = byNumber.get(n);
    const d = 1 + Math.max(0, ...(s?.dependsOn ?? []).map(depth));
    memo.set(n, d);
    return d;
  };
  return Math.max(0, ...plan.steps.map((s) => depth(s.number)));
}
