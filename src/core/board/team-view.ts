import type { Context } from '../context.js';
import { openDb } from '../logs/db.js';
import { callLogPath } from '../logs/index.js';
import type { BoardState, TeamMember, TeamView } from './types.js';

/** Money spent at a moment: a model call (call log) or an attempt (run records). */
export interface CallPoint {
  t: number;
  cost: number;
  input: number;
  output: number;
}

/**
 * Model calls made by `specloop run` since `sinceIso`, from the call log (SQLite). The log
 * is per user, not per project: calls of the run command in the board's time window are
 * the best attribution it offers. An absent log is no calls.
 */
export async function runCalls(
  ctx: Pick<Context, 'home' | 'cwd' | 'projectRoot' | 'config'>,
  sinceIso: string,
): Promise<CallPoint[]> {
  const { existsSync } = await import('node:fs');
  const file = callLogPath(ctx);
  if (!existsSync(file)) return [];
  const db = await openDb(file);
  try {
    const rows = db
      .prepare(
        "SELECT time, cost, input_tokens AS input, output_tokens AS output FROM calls WHERE command = 'run' AND time >= ? ORDER BY time",
      )
      .all(sinceIso) as { time: string; cost: number | null; input: number | null; output: number | null }[];
    return rows.map((r) => ({
      t: Date.parse(r.time) / 1000,
      cost: r.cost ?? 0,
      input: r.input ?? 0,
      output: r.output ?? 0,
    }));
  } finally {
    db.close();
  }
}

/**
 * Members seen on the board (claim holders and landing authors), and the run's cost/throughput
 * over time. `calls` is what this checkout spent (its run records, else the call log); a
 * landed card whose figures come from its commit's trailers (`usageFrom: 'commit'`: a
 * teammate's run, another clone) adds its cost at its landing time, and each member is
 * credited with what their landed steps cost (member = the commit's author).
 */
export function teamView(
  state: BoardState,
  calls: CallPoint[],
  source: TeamView['totals']['source'] = 'calls',
): TeamView {
  const members = new Map<string, TeamMember>();
  const member = (name: string) => {
    let m = members.get(name);
    if (!m) members.set(name, (m = { name, claims: [], landed: [], hosts: [] }));
    return m;
  };
  const touch = (m: TeamMember, iso?: string) => {
    if (iso && (!m.lastActivity || iso > m.lastActivity)) m.lastActivity = iso;
  };
  for (const c of state.cards) {
    if (c.holder && !c.holder.expired && c.column !== 'landed') {
      const m = member(c.holder.name);
      m.claims.push(c.step);
      if (!m.hosts.includes(c.holder.host)) m.hosts.push(c.holder.host);
      touch(m, new Date(Date.parse(state.generatedAt) - c.holder.leaseAgeSeconds * 1000).toISOString());
    }
    if (c.column === 'landed' && c.landed?.author) {
      const m = member(c.landed.author);
      m.landed.push(c.step);
      touch(m, c.landed.at);
      if (c.cost !== undefined) m.cost = (m.cost ?? 0) + c.cost;
    }
  }
  const fromCommits = { steps: 0, cost: 0, inputTokens: 0, outputTokens: 0 };
  const events: { t: number; landed: number; cost: number }[] = [];
  for (const c of state.cards) {
    if (c.column !== 'landed') continue;
    // Spent in another checkout (its commit's trailers): counted once, when the step landed.
    const elsewhere = c.usageFrom === 'commit' ? (c.cost ?? 0) : 0;
    if (c.landed?.at) events.push({ t: Date.parse(c.landed.at) / 1000, landed: 1, cost: elsewhere });
    if (c.usageFrom !== 'commit') continue;
    fromCommits.steps += 1;
    fromCommits.cost += elsewhere;
    fromCommits.inputTokens += c.tokens?.input ?? 0;
    fromCommits.outputTokens += c.tokens?.output ?? 0;
  }
  for (const p of calls) events.push({ t: p.t, landed: 0, cost: p.cost });
  events.sort((a, b) => a.t - b.t);
  const series: TeamView['series'] = { t: [], landed: [], cost: [] };
  // The chart starts from zero a minute before the first event (a single point has no range).
  if (events.length) events.unshift({ t: (events[0]?.t ?? 0) - 60, landed: 0, cost: 0 });
  let landed = 0;
  let cost = 0;
  for (const e of events) {
    landed += e.landed;
    cost += e.cost;
    series.t.push(e.t);
    series.landed.push(landed);
    series.cost.push(Math.round(cost * 1e6) / 1e6);
  }
  for (const m of members.values()) if (m.cost !== undefined) m.cost = Math.round(m.cost * 1e6) / 1e6;
  return {
    members: [...members.values()].sort(
      (a, b) => b.landed.length - a.landed.length || a.name.localeCompare(b.name),
    ),
    series,
    totals: {
      cost: Math.round(calls.reduce((a, p) => a + p.cost, 0) * 1e6) / 1e6,
      inputTokens: calls.reduce((a, p) => a + p.input, 0),
      outputTokens: calls.reduce((a, p) => a + p.output, 0),
      calls: calls.length,
      source,
    },
    fromCommits: { ...fromCommits, cost: Math.round(fromCommits.cost * 1e6) / 1e6 },
  };
}
