import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callEstimator } from '../../src/core/run/executors/codex.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { makeProject } from '../support/run-fixtures.js';
import { installStandins } from '../support/run-standins.js';

/**
 * `--max-cost` inside an attempt: the stand-ins (STANDIN_MODE=spend) report 5 model calls,
 * 0.5 s apart, then work on for 20 s — each call as the real CLI reports usage (aider's "Cost:" lines, Claude's
 * assistant events, Codex's items — priced from an estimate until its turn's usage). The run
 * must stop the CLI (its whole process group) as soon as the budget is reached: never more
 * than one call over it, before the next call, and without waiting for the CLI to end.
 */
describe('specloop run --max-cost stops an external agent mid-attempt', () => {
  const cleanups = useCleanups();
  /** A killed process may stay a zombie until it is reaped: that counts as gone. */
  const running = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const gone = async (pid: number) => {
    for (let i = 0; i < 100 && running(pid); i++) await new Promise((r) => setTimeout(r, 20));
    return !running(pid);
  };

  const CASES = [
    // aider: $0.01 a message.
    { tool: 'aider', maxCost: 0.025, perCall: 0.01, args: [] as string[], toml: '' },
    // claude: 1000 in + 200 out at claude-sonnet-4-5's list price = $0.006 a call.
    { tool: 'claude', maxCost: 0.015, perCall: (1000 * 3 + 200 * 15) / 1e6, args: [], toml: '' },
    // codex: input free, output $100 per 1M; a call's output is the item's JSON (≈ 4 chars a token).
    {
      tool: 'codex',
      maxCost: 0.025,
      perCall:
        (callEstimator('')({ type: 'reasoning', text: 'thinking '.repeat(44) }).outputTokens * 100) / 1e6,
      args: ['--model', 'standin'],
      toml: '\n[prices."openai:standin"]\ninput = 0\noutput = 100\n',
    },
  ] as const;

  for (const c of CASES) {
    it(`${c.tool}: killed at the budget, one call over at most; the run stops with the reason (exit 1)`, async () => {
      const dir = makeProject(cleanups.tmp('specloop-maxcost-'), { titles: ['Only'], toml: c.toml });
      const bin = installStandins(cleanups.tmp('specloop-bin-'), [c.tool]);
      const log = join(bin, 'calls.jsonl');
      const t0 = Date.now();
      const r = await runCli(
        ['run', '--executor', c.tool, ...c.args, '--max-cost', String(c.maxCost), '--json'],
        {
          cwd: dir,
          env: {
            SPECLOOP_HOME: join(dir, '.home'),
            PATH: `${bin}:${process.env.PATH}`,
            STANDIN_MODE: 'spend',
            STANDIN_LOG: log,
          },
        },
      );
      // The CLI would have worked on for 20 s: it was stopped, not waited for.
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(r.code, r.stderr).toBe(1);
      const entries = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { call?: number; grandchild?: number });
      const calls = entries.filter((e) => e.call).length;
      const needed = Math.ceil(c.maxCost / c.perCall - 1e-9);
      expect(calls).toBe(needed);
      expect(calls).toBeLessThan(5);
      // Its whole process group went with it.
      const kid = entries.find((e) => e.grandchild)?.grandchild as number;
      expect(await gone(kid)).toBe(true);
      const out = JSON.parse(r.stdout);
      expect(out.stopped).toBe('cost-limit');
      expect(out.steps[0].attempts).toBe(1);
      expect(out.steps[0].reason).toMatch(
        new RegExp(`^cost limit reached during the attempt: ${c.tool} was stopped after spending \\$`),
      );
      expect(out.cost).toBeGreaterThanOrEqual(c.maxCost);
      expect(out.cost - c.maxCost).toBeLessThan(c.perCall + 1e-9);
      expect(r.stderr).toMatch(/--max-cost/);
    }, 30_000);
  }
});
