import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { BIN } from '../support/cli.js';
import type { FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { GIT_ENV } from '../support/repo.js';
import { history, makeProject, stepFiles, TITLES, ticked } from '../support/run-fixtures.js';

/**
 * The real Claude Code CLI as the MCP client of `specloop mcp`, driven by the wire-level fake
 * model: next_step → Claude's own Write tool → land_step. Claude Code is big (≈ 235 MB), so it
 * is not a dependency: this runs in `npm run test:agents`, which installs the pinned CLI into
 * the agents cache first (test/tiers.ts AGENT_TESTS), and is skipped where it is missing.
 */
const CACHE = process.env.SPECLOOP_AGENTS_CACHE || join(homedir(), '.cache', 'specloop-agents');
const CLAUDE = join(CACHE, 'node_modules', '.bin', 'claude');

/**
 * The model's side of the session, from the conversation each request carries: get the
 * step's prompt, write a wrong implementation, land it (rejected by our tests), write the
 * right one, land it.
 */
function editorModel(req: FakeRequest): FakeReplyValue {
  if (req.tools.length === 0) return { text: 'ok' }; // titles, probes
  const cwd = /Primary working directory: (\S+)/.exec(req.messages.map((m) => m.content).join('\n'))?.[1];
  const write = (value: number) => ({
    toolCalls: Object.entries(stepFiles(1, value)).map(([p, content]) => ({
      name: 'Write',
      input: { file_path: `${cwd}/${p}`, content },
    })),
  });
  const land = { toolCalls: [{ name: 'mcp__specloop__land_step', input: { step: 1 } }] };
  const plan: FakeReplyValue[] = [
    { toolCalls: [{ name: 'mcp__specloop__next_step', input: {} }] },
    write(7),
    land,
    write(1),
    land,
    { text: 'Step 1 is landed.' },
  ];
  const turns = req.messages.filter((m) => m.role === 'assistant').length;
  return plan[Math.min(turns, plan.length - 1)] as FakeReplyValue;
}

function runClaude(cwd: string, env: Record<string, string>, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(CLAUDE, args, {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(CLAUDE))('specloop mcp with the real Claude Code CLI as the client', () => {
  const cleanups = useCleanups();

  it('the agent takes step 1 from next_step through a rejected landing to landed, by specloop’s checks', {
    timeout: 180_000,
  }, async () => {
    const dir = makeProject(cleanups.tmp('specloop-mcp-claude-'), { commitPlan: true });
    const home = cleanups.tmp('specloop-mcp-claude-home-');
    const fake = await cleanups.fakeLlm(editorModel);
    const config = join(home, 'mcp.json');
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { specloop: { command: process.execPath, args: [BIN, 'mcp'] } } }),
    );
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      SPECLOOP_HOME: join(home, 'specloop'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test-key',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...GIT_ENV,
    };
    const r = await runClaude(dir, env, [
      '-p',
      'Take the next step of the specloop plan and land it.',
      '--mcp-config',
      config,
      '--strict-mcp-config',
      '--allowedTools',
      'mcp__specloop__next_step,mcp__specloop__land_step,Write',
      '--permission-mode',
      'acceptEdits',
      '--output-format',
      'json',
    ]);
    const toolResults = fake.requests.flatMap((q) =>
      q.messages.filter((m) => m.role === 'tool').map((m) => m.content),
    );
    if (process.env.SPECLOOP_AGENTS_DEBUG)
      process.stderr.write(`${r.stderr}\n${r.stdout}\n${toolResults.join('\n---\n')}\n`);
    expect(r.code, r.stderr).toBe(0);
    // Claude got the step's prompt from our server, and our land_step's verdict.
    expect(toolResults.some((t) => t.includes('Your task, step 1 ('))).toBe(true);
    const rejected = toolResults.findIndex((t) =>
      t.includes('step 1 was not landed: the test command failed'),
    );
    const landed = toolResults.findIndex((t) => /step 1 landed as [0-9a-f]{7}/.test(t));
    expect(rejected).toBeGreaterThanOrEqual(0);
    expect(landed).toBeGreaterThan(rejected);
    expect(toolResults[rejected]).toMatch(/7 !== 1|expected: 1/); // our test output reached the model
    expect(history(dir).at(-1)).toBe(`step 1: ${TITLES[0]}|1|prompt_plan`);
    expect(ticked(dir)).toEqual([1]);
  });
});
