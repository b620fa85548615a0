import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Cleanups } from '../support/cleanups.js';
import { type CliResult, runCli } from '../support/cli.js';
import type { FakeLlm, FakeReply, FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { git } from '../support/repo.js';
import { history, makeProject, ticked } from '../support/run-fixtures.js';
import { ranTests } from './agent-model.js';
import { agentsBin, agentsCache } from './install-clis.js';

export interface AgentRun {
  dir: string;
  home: string;
  fake: FakeLlm;
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
}

/**
 * A 2-step project, a temp HOME (the CLIs write their config and sessions there, never in
 * the user's), the fake model server, and `specloop run` in-process with the real CLI on PATH.
 */
export async function agentProject(
  cleanups: Cleanups,
  executor: 'builtin' | 'claude' | 'codex',
  replies: FakeReply[] | ((req: FakeRequest, index: number) => FakeReplyValue),
): Promise<AgentRun> {
  const dir = makeProject(cleanups.tmp('specloop-agent-'), { titles: ['First function', 'Second function'] });
  // Not under /tmp: Codex refuses to create its sandbox helper (codex-linux-sandbox) under a
  // temporary directory and every shell command then fails. A fresh dir in the cache instead.
  mkdirSync(join(agentsCache(), 'homes'), { recursive: true });
  const home = mkdtempSync(join(agentsCache(), 'homes', 'home-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const fake = await cleanups.fakeLlm(replies);
  const env: Record<string, string> = {
    HOME: home,
    SPECLOOP_HOME: join(home, '.specloop-home'),
    PATH: `${agentsBin()}:${process.env.PATH}`,
    // The CLIs must not try the internet (update checks, telemetry) from a test.
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...(executor === 'claude' ? { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test-key' } : {}),
    ...(executor === 'codex' ? { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'test-key' } : {}),
    ...(executor === 'builtin' ? fake.env() : {}),
  };
  return {
    dir,
    home,
    fake,
    async run(args, extra = {}) {
      const r = await runCli(['run', '--executor', executor, ...args], {
        cwd: dir,
        env: { ...env, ...extra },
      });
      // SPECLOOP_AGENTS_DEBUG=1 shows what a user would have seen.
      if (process.env.SPECLOOP_AGENTS_DEBUG) {
        process.stderr.write(`--- specloop run ${args.join(' ')} → ${r.code}\n${r.stderr}\n`);
        for (const q of fake.requests)
          process.stderr.write(
            `  > ${q.path} ${q.model} tools=${q.tools.length} last=${JSON.stringify(q.messages.at(-1)).slice(0, 600)}\n`,
          );
      }
      return r;
    },
  };
}

/** Every tool result the model was shown (what the agent's tools returned). */
export const toolResults = (p: AgentRun): string[] =>
  p.fake.requests.flatMap((q) => q.messages.filter((m) => m.role === 'tool').map((m) => m.content));

/**
 * The "done when" of a green 2-step run: exit 0, both steps committed with their trailers and
 * ticked, each on its first attempt (no rejected green work), and the agent ran the project's
 * tests itself (the model saw their TAP summary). Returns the `--json` summary.
 */
export function expectGreenRun(
  p: AgentRun,
  r: CliResult,
): { usage: { inputTokens: number; outputTokens: number }; cost: number } {
  expect(r.stderr).not.toContain('rejected');
  expect(r.code).toBe(0);
  expect(
    history(p.dir)
      .slice(-2)
      .map((h) => h.split('|')[1]),
  ).toEqual(['1', '2']);
  expect(ticked(p.dir)).toEqual([1, 2]);
  expect(toolResults(p).some(ranTests)).toBe(true);
  const summary = JSON.parse(r.stdout);
  expect(summary.steps.map((s: { attempts: number }) => s.attempts)).toEqual([1, 1]);
  // The agent's own summary (finish / final message) is the commit body, above the trailers.
  const body = git(p.dir, 'log', '-1', '--format=%B');
  expect(body).toMatch(/Step 2: wrote src\/step2\.js and its test; the tests pass\.\n\nSpecloop-Step: 2\n/);
  return summary;
}
