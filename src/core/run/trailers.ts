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
 * What the step's attempts used, on the step commits `specloop run` makes (every mode): the
 * commit is what every clone has, so every teammate's board can show it. Not written by
 * `specloop done` / MCP land_step (no attempts of ours).
 */
export const ATTEMPTS_TRAILER = 'Specloop-Attempts';
/** `<in> in, <out> out`, or `unknown` when the executor reported no usage (never "0"). */
export const TOKENS_TRAILER = 'Specloop-Tokens';
/** USD; absent when the cost is unknown. */
export const COST_TRAILER = 'Specloop-Cost';

/** What a landed step's attempts used in total, as its commit's trailers say it. */
export interface StepUsage {
  /** Executor attempts the landing run made for the step (over every base, for --parallel/--team). */
  attempts: number;
  /** Undefined when an executor reported no usage. */
  tokens?: { input: number; output: number };
  /** USD; undefined when unknown. */
  cost?: number;
}

/**
 * The usage to write on a step commit, from what the attempts reported (the run's own
 * bookkeeping: `usageKnown` false when an executor reported nothing, `costKnown` false when
 * tokens came without a price). Undefined when no attempt ran in this process (work found in
 * the tree after a crash, a resumed worktree): nothing to say, rather than a "0".
 */
export function usageOf(r: {
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  usageKnown: boolean;
  cost: number;
  costKnown: boolean;
}): StepUsage | undefined {
  if (r.attempts <= 0) return undefined;
  const tokens = r.usageKnown ? { input: r.inputTokens, output: r.outputTokens } : undefined;
  // No usage and no cost reported: a cost of 0 would claim the step was free.
  const cost = r.costKnown && (r.usageKnown || r.cost > 0) ? r.cost : undefined;
  return { attempts: r.attempts, ...(tokens && { tokens }), ...(cost !== undefined && { cost }) };
}

/** USD as a trailer value: plain decimals (never an exponent), at most six places. */
const usdValue = (usd: number) => usd.toFixed(6).replace(/\.?0+$/, '') || '0';

function usageTrailers(u: StepUsage): string {
  const lines = [
    `${ATTEMPTS_TRAILER}: ${u.attempts}`,
    `${TOKENS_TRAILER}: ${u.tokens ? `${u.tokens.input} in, ${u.tokens.output} out` : 'unknown'}`,
  ];
  if (u.cost !== undefined) lines.push(`${COST_TRAILER}: ${usdValue(u.cost)}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** The usage trailers' values as git prints them (`%(trailers:key=…,valueonly)`), back to a {@link StepUsage}. */
export function parseStepUsage(v: {
  attempts?: string;
  tokens?: string;
  cost?: string;
}): StepUsage | undefined {
  const attempts = Number(v.attempts?.trim());
  if (!v.attempts?.trim() || !Number.isInteger(attempts) || attempts < 0) return undefined;
  const t = /^(\d+) in, (\d+) out$/.exec(v.tokens?.trim() ?? '');
  const cost = v.cost?.trim() ? Number(v.cost.trim()) : Number.NaN;
  return {
    attempts,
    ...(t && { tokens: { input: Number(t[1]), output: Number(t[2]) } }),
    ...(Number.isFinite(cost) && cost >= 0 && { cost }),
  };
}

/**
 * Message for a step commit: subject, optional body, then the trailers. `context` is the
 * step's context prose: its `Commit message: …` lines (e.g. `Fixes #12` from `issues pull`)
 * are appended to the body, so the commit closes the issue it implements. `usage` (what the
 * step's attempts used) adds the Attempts / Tokens / Cost trailers after Step and Plan.
 */
export function stepMessage(opts: {
  step: number;
  title: string;
  planId: string;
  body?: string;
  context?: string;
  usage?: StepUsage;
}): string {
  const subject = `step ${opts.step}: ${opts.title}`.replace(/\s+/g, ' ').slice(0, 120);
  const lines = [opts.body?.trim(), ...commitLinesOf(opts.context ?? '')].filter(Boolean);
  const body = lines.length ? `\n\n${lines.join('\n')}` : '';
  const usage = opts.usage ? usageTrailers(opts.usage) : '';
  return `${subject}${body}\n\n${STEP_TRAILER}: ${opts.step}\n${PLAN_TRAILER}: ${opts.planId}\n${usage}`;
}
