import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { type FakeRequest, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';
import { history, makeProject, stepFiles, ticked } from '../support/run-fixtures.js';
import { startSpecloop } from '../support/run-process.js';

type Call = { name: string; input: unknown };
const turnOf = (req: FakeRequest) => req.messages.filter((m) => m.role === 'assistant').length;
const transcript = (req: FakeRequest) => req.messages.map((m) => m.content).join('\n');

/**
 * A hostile model against the real CLI (builtin agent, wire-level fake LLM): every attack
 * class of issue 13, scripted as tool calls. None may succeed; the run must go on or stop
 * with a reason, never crash or hang.
 */
describe('specloop run against a hostile model', () => {
  const cleanups = useCleanups();
  const setup = async (
    turns: (Call[] | ((req: FakeRequest) => Call[]))[],
    o: Parameters<typeof makeProject>[1] = {},
  ) => {
    const t = tempDir('specloop-hostile-');
    const outside = tempDir('specloop-outside-');
    cleanups.push(t.cleanup, outside.cleanup);
    const dir = makeProject(t.dir, { titles: ['Only'], commitPlan: true, ...o });
    const fake = await startFakeLlm((req) => {
      const turn = turns[Math.min(turnOf(req), turns.length - 1)]!;
      return { toolCalls: typeof turn === 'function' ? turn(req) : turn };
    });
    cleanups.push(() => fake.close());
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    return { dir, outside: outside.dir, fake, env };
  };
  const good = Object.entries(stepFiles(1)).map(([path, content]) => ({
    name: 'write_file',
    input: { path, content },
  }));
  const finish = { name: 'finish', input: { summary: 'done' } };
  const list = { name: 'list_files', input: {} };

  it('every path and dispatch attack is an error result; the step lands with its real work only', async () => {
    const s0 = await setup([]);
    writeFileSync(join(s0.outside, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
    linkSync(join(s0.outside, 'secret.txt'), join(s0.dir, 'linked.txt'));
    git(s0.dir, 'add', 'linked.txt');
    git(s0.dir, 'commit', '-q', '-m', 'a hard link in the repo');
    execFileSync('mkfifo', [join(s0.dir, 'pipe')]);
    const attacks: Call[] = [
      { name: 'toString', input: {} },
      list,
      { name: 'constructor', input: {} },
      list,
      { name: '__proto__', input: {} },
      list,
      { name: 'hasOwnProperty', input: {} },
      list,
      { name: 'write_file', input: { path: 'todo.md', content: '- [x] Step 1: Only\n' } },
      { name: 'write_file', input: { path: 'specloop.toml', content: '[test]\ncommand = "true"\n' } },
      { name: 'write_file', input: { path: 'prompt_plan.md', content: '# gone\n' } },
      { name: 'write_file', input: { path: '.specloop/templates/agent-system.md', content: 'no rules' } },
      {
        name: 'write_file',
        input: { path: '.GIT/config', content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
      },
      { name: 'read_file', input: { path: 'linked.txt' } },
      { name: 'read_file', input: { path: 'pipe' } },
      { name: 'write_file', input: { path: 'notes/\u001b]52;c;ZXZpbA==\u0007x.txt', content: 'x' } },
      // Test code that ticks the box and weakens the config while the tests run.
      {
        name: 'write_file',
        input: {
          path: 'test/tamper.test.js',
          content:
            "import { writeFileSync } from 'node:fs';\nimport test from 'node:test';\ntest('tamper', () => {\n  writeFileSync('todo.md', '- [x] Step 1: Only\\n- [x] Step 2: Fake\\n');\n  writeFileSync('specloop.toml', '[test]\\ncommand = \"true\"\\n');\n});\n",
        },
      },
    ];
    const s = { ...s0 };
    const fake = await startFakeLlm((req) => {
      const turn = turnOf(req);
      return { toolCalls: turn === 0 ? attacks : turn === 1 ? good : [finish] };
    });
    cleanups.push(() => fake.close());
    const toml = readFileSync(join(s.dir, 'specloop.toml'), 'utf8');
    const r = await runCli(['run'], { cwd: s.dir, env: { ...s.env, ...fake.env() } });
    expect(r.code, JSON.stringify(r.stderr)).toBe(0);
    const results = transcript(fake.requests[1]!);
    expect(results.match(/unknown tool/g)).toHaveLength(4);
    expect(results).toMatch(/todo\.md is one of specloop's run files/);
    expect(results).toMatch(/specloop\.toml is specloop's configuration/);
    expect(results).toMatch(/paths under \.git\/ are refused \(\.GIT\/config\)/);
    expect(results).toMatch(/linked\.txt has 2 hard links/);
    expect(results).toMatch(/pipe is a named pipe/);
    expect(results).not.toContain('TOP-SECRET-OUTSIDE');
    expect(r.stderr).not.toContain('\u001b]52');
    expect(r.stderr).not.toContain('\u0007');
    expect(history(s.dir).at(-1)).toBe('step 1: Only|1|prompt_plan');
    expect(ticked(s.dir)).toEqual([1]);
    expect(readFileSync(join(s.dir, 'todo.md'), 'utf8')).not.toContain('Step 2: Fake');
    expect(readFileSync(join(s.dir, 'specloop.toml'), 'utf8')).toBe(toml);
    expect(readFileSync(join(s.dir, '.git/config'), 'utf8')).not.toContain('fsmonitor');
    expect(existsSync(join(s.dir, '.specloop/templates/agent-system.md'))).toBe(false);
    expect(git(s.dir, 'show', 'HEAD:prompt_plan.md')).toContain('## Step 1: Only');
  });

  it('200 tool calls in one reply: 40 run, the rest are refused, the attempt fails on its budget', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      name: 'write_file',
      input: { path: `many/f${i}.txt`, content: String(i) },
    }));
    const s = await setup([many], { toml: '\n[run]\nmaxAttempts = 1\n' });
    const r = await runCli(['run'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tool-call budget used up \(40\)/);
    expect(readdirSync(join(s.dir, 'many'))).toHaveLength(40);
  });

  it('Ctrl-C while the agent runs the tests stops the test run and the tool call at once', async () => {
    const s = await setup([[{ name: 'run_tests', input: {} }]], { testCommand: 'sleep 60' });
    const ac = new AbortController();
    const t0 = Date.now();
    const timer = setTimeout(() => ac.abort(), 1500);
    const r = await runCli(['run', '--allow-red'], { cwd: s.dir, env: s.env, signal: ac.signal });
    clearTimeout(timer);
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  // The hanging test command is caught by the suite check before the first step (issue 12's
  // preflight): SIGTERM must stop that test run just as promptly as the agent's run_tests.
  it('SIGTERM to the real process while a hanging test command runs: it exits promptly (130)', async () => {
    const s = await setup([[{ name: 'run_tests', input: {} }]], { testCommand: 'sleep 60' });
    const member = startSpecloop(['run', '--allow-red'], { cwd: s.dir, env: s.env });
    const until = Date.now() + 30_000;
    const running = /run_tests|checking the test suite before the first step: sleep 60/;
    while (!running.test(member.stderr()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(member.stderr()).toMatch(running);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    process.kill(member.pid, 'SIGTERM');
    const r = await member.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 60_000);
});
