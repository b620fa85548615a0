import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { deadPort } from '../support/dead-port.js';
import { git, tempDir } from '../support/repo.js';
import { FIXTURE_TEST_CMD, history, makeProject, TITLES, ticked } from '../support/run-fixtures.js';
import { installStandins } from '../support/run-standins.js';

/** The external executors, exercised through stand-in executables on PATH. */
describe('specloop run with aider / claude / codex', () => {
  const cleanups = useCleanups();
  const setup = (o: Parameters<typeof makeProject>[1] = {}) => {
    const t = tempDir('specloop-run-ext-');
    const b = tempDir('specloop-bin-');
    cleanups.push(t.cleanup, b.cleanup);
    const bin = installStandins(b.dir);
    const log = join(b.dir, 'calls.jsonl');
    return { dir: makeProject(t.dir, o), bin, log };
  };
  const run = (s: ReturnType<typeof setup>, args: string[], env: Record<string, string> = {}) =>
    runCli(['run', ...args], {
      cwd: s.dir,
      env: {
        SPECLOOP_HOME: join(s.dir, '.home'),
        PATH: `${s.bin}:${process.env.PATH}`,
        STANDIN_LOG: s.log,
        ...env,
      },
    });
  const calls = (log: string) =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { tool: string; argv: string[]; cwd: string; step: number; retry: boolean },
      );

  for (const tool of ['aider', 'claude', 'codex'] as const) {
    it(`${tool}: every step committed with trailers, todo ticked`, async () => {
      const s = setup();
      const r = await run(s, ['--executor', tool, '--json']);
      expect(r.code).toBe(0);
      expect(history(s.dir).slice(2)).toEqual(
        TITLES.map((t, i) => `step ${i + 1}: ${t}|${i + 1}|prompt_plan`),
      );
      expect(ticked(s.dir)).toEqual([1, 2, 3]);
      expect(git(s.dir, 'status', '--porcelain')).toBe('');
      expect(calls(s.log).map((c) => c.step)).toEqual([1, 2, 3]);
    });
  }

  it('aider gets its non-interactive flags, a message file, and its history files under .specloop/', async () => {
    const s = setup({ titles: ['Only'] });
    expect((await run(s, ['--executor', 'aider', '--model', 'sonnet'])).code).toBe(0);
    const [c] = calls(s.log);
    expect(c?.argv).toEqual(
      expect.arrayContaining([
        '--message-file',
        '--yes-always',
        '--no-auto-commits',
        '--no-dirty-commits',
        '--no-gitignore',
      ]),
    );
    expect(c?.argv.slice(c.argv.indexOf('--model'), c.argv.indexOf('--model') + 2)).toEqual([
      '--model',
      'sonnet',
    ]);
    expect(c?.argv[c.argv.indexOf('--message-file') + 1]).toContain('.specloop/aider/');
    expect(git(s.dir, 'show', '--name-only', '--format=', 'HEAD')).not.toContain('.specloop');
  });

  it('claude runs in print mode with stream-json; session id, usage and cost are kept', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'claude', '--json']);
    expect(r.code).toBe(0);
    const argv = calls(s.log)[0]?.argv ?? [];
    expect(argv.slice(0, 6)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
    ]);
    // Print mode cannot ask: the test command and read-only tools are allowed up front.
    const allowed = argv.slice(argv.indexOf('--allowedTools') + 1);
    expect(allowed).toEqual(
      expect.arrayContaining([`Bash(${FIXTURE_TEST_CMD})`, `Bash(${FIXTURE_TEST_CMD}:*)`, 'Read', 'Grep']),
    );
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0]).toMatchObject({ sessionIds: ['claude-session-1'], cost: 0.02 });
    expect(summary.usage).toEqual({ inputTokens: 1500, outputTokens: 200 });
    // Claude reports absolute paths; the activity line shows them relative to the repo.
    expect(r.stderr).toContain('Write src/step1.js');
    expect(r.stderr).not.toContain(`Write ${s.dir}`);
  });

  it('claude: a denied Bash call is not a failure; an unknown model stops the run at once with Claude’s message', async () => {
    const s = setup({ titles: ['Only'] });
    const ok = await run(s, ['--executor', 'claude', '--json'], { STANDIN_MODE: 'denied-bash' });
    expect(ok.code).toBe(0);
    expect(ticked(s.dir)).toEqual([1]);
    const t = setup({ titles: ['Only'] });
    const bad = await run(t, ['--executor', 'claude', '--max-attempts', '3'], { STANDIN_MODE: 'api404' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the model was not found');
    expect(bad.stderr).toContain("There's an issue with the selected model (nosuch)");
    expect(bad.stderr).not.toContain('"type":"result"');
    expect(calls(t.log)).toHaveLength(1);
  });

  it('claude gets --max-budget-usd from what --max-cost leaves', async () => {
    const s = setup({ titles: ['Only'] });
    expect((await run(s, ['--executor', 'claude', '--max-cost', '0.5'])).code).toBe(0);
    const argv = calls(s.log)[0]?.argv ?? [];
    expect(argv[argv.indexOf('--max-budget-usd') + 1]).toBe('0.5000');
  });

  it('codex: reconnect notices are shown and are no failure; a 401 behind them stops the run naming it', async () => {
    const s = setup({ titles: ['Only'] });
    const ok = await run(s, ['--executor', 'codex'], { STANDIN_MODE: 'reconnect' });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('codex: Reconnecting... 1/5');
    expect(ok.stderr).not.toContain('rejected');
    const t = setup({ titles: ['Only'] });
    const bad = await run(t, ['--executor', 'codex'], { STANDIN_MODE: 'failed401' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the provider rejected the API key');
    expect(bad.stderr).toContain('401 Unauthorized');
    expect(bad.stderr).not.toContain('PATH aliases');
    expect(calls(t.log)).toHaveLength(1);
  });

  it('claude retrying an endpoint where nothing listens: its retries are shown, and the run stops at once with the cause (exit 2)', async () => {
    const s = setup({ titles: ['Only'] });
    const port = await deadPort();
    const started = Date.now();
    const r = await run(s, ['--executor', 'claude', '--max-attempts', '3'], {
      STANDIN_MODE: 'no-connection',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('claude: API call failed (unknown), retry 1/10');
    expect(r.stderr).toMatch(
      new RegExp(
        `claude failed: the model endpoint is unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`,
      ),
    );
    expect(r.stderr).not.toContain('attempt 2');
    expect(calls(s.log)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('codex waiting for the network: a host that does not resolve stops the run at once; an unknown endpoint after 3 notices', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'codex', '--max-attempts', '3'], {
      STANDIN_MODE: 'no-network',
      OPENAI_BASE_URL: 'http://nonexistent.invalid/v1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('codex: Reconnecting... waiting for network');
    expect(r.stderr).toMatch(
      /codex failed: the model endpoint’s host name does not resolve: .*nonexistent\.invalid/,
    );
    expect(calls(s.log)).toHaveLength(1);
    // No base URL specloop knows of (codex's own config.toml): nothing to probe, codex would wait for ever.
    const t = setup({ titles: ['Only'] });
    const u = await run(t, ['--executor', 'codex', '--max-attempts', '3'], { STANDIN_MODE: 'no-network' });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(
      'codex failed: the model endpoint is unreachable: codex could not connect to its endpoint (3 tries)',
    );
    expect(u.stderr).not.toContain('attempt 2');
    expect(calls(t.log)).toHaveLength(1);
  });

  it('codex is pointed at OPENAI_BASE_URL through a custom provider (-c overrides)', async () => {
    const s = setup({ titles: ['Only'] });
    expect((await run(s, ['--executor', 'codex'], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' })).code).toBe(
      0,
    );
    const argv = calls(s.log)[0]?.argv ?? [];
    expect(argv).toEqual(
      expect.arrayContaining([
        'model_provider="specloop"',
        'model_providers.specloop.base_url="http://127.0.0.1:9/v1"',
        'model_providers.specloop.wire_api="responses"',
      ]),
    );
  });

  for (const [variant, usage, cost] of [
    ['hit', { inputTokens: 14300, outputTokens: 345 }, 0.0123],
    ['write+hit', { inputTokens: 14300, outputTokens: 345 }, 0.02],
  ] as const) {
    it(`aider: the usage report with ${variant} is counted, and .aider* files stay out of the commit`, async () => {
      const s = setup({ titles: ['Only'] });
      const r = await run(s, ['--executor', 'aider', '--json'], { STANDIN_AIDER_USAGE: variant });
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.usage).toEqual(usage);
      expect(summary.steps[0].cost).toBeCloseTo(cost, 6);
      expect(git(s.dir, 'show', '--name-only', '--format=', 'HEAD')).not.toContain('.aider');
      expect(git(s.dir, 'status', '--porcelain')).toBe('');
    });
  }

  it('codex runs `exec --json --sandbox workspace-write -`; the thread id and usage are kept', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'codex', '--json']);
    expect(r.code).toBe(0);
    expect(calls(s.log)[0]?.argv).toEqual(['exec', '--json', '--sandbox', 'workspace-write', '-']);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0].sessionIds).toEqual(['codex-thread-1']);
    expect(summary.usage).toEqual({ inputTokens: 800, outputTokens: 150 });
  });

  it('a zero exit code is not success: no changes → the attempt fails', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'claude', '--max-attempts', '2', '--json'], {
      STANDIN_MODE: 'nothing',
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).steps[0]).toMatchObject({
      ok: false,
      attempts: 2,
      reason: 'the attempt changed no files',
    });
  });

  it('a test-driven step without a test file is rejected even though the tests pass', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'aider', '--max-attempts', '1', '--json'], {
      STANDIN_MODE: 'notest',
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).steps[0].reason).toMatch(/no test file was added or changed/);
    const again = await run(s, ['--executor', 'aider', '--no-tdd', '--step', '1'], {
      STANDIN_MODE: 'notest',
    });
    expect(again.code).toBe(0);
  });

  it('fails then passes: the retry prompt carries the failure and the step is committed', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'codex'], { STANDIN_MODE: 'flaky' });
    expect(r.code).toBe(0);
    expect(calls(s.log).map((c) => c.retry)).toEqual([false, true]);
    expect(ticked(s.dir)).toEqual([1]);
  });

  it('a non-zero exit is a failed attempt with the CLI’s own message as the reason', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'aider', '--max-attempts', '1', '--json'], {
      STANDIN_MODE: 'exit1',
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).steps[0].reason).toMatch(/^aider exited with code 1/);
  });

  it('a missing CLI is exit 2 naming it and how to install it, before anything is written', async () => {
    const s = setup();
    const r = await runCli(['run', '--executor', 'codex'], {
      cwd: s.dir,
      env: { SPECLOOP_HOME: join(s.dir, '.home'), PATH: '/usr/bin:/bin' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`codex` command, which is not on PATH');
    expect(r.stderr).toContain('npm install -g @openai/codex');
    expect(git(s.dir, 'branch', '--show-current')).toBe('main');
  });

  it('an executor that reports no usage shows "usage unknown", never "0 tokens"', async () => {
    const s = setup({ titles: ['Only'] });
    const r = await run(s, ['--executor', 'aider'], { STANDIN_AIDER_USAGE: 'none' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(usage unknown)');
    expect(r.stderr).not.toContain('0 tokens');
    // the --parallel summary says the same
    const p = setup({ titles: ['Only'] });
    const rp = await run(p, ['--executor', 'aider', '--parallel', '2'], { STANDIN_AIDER_USAGE: 'none' });
    expect(rp.code, rp.stderr).toBe(0);
    expect(rp.stderr).toMatch(/1 step landed on \S+ in [\d.]+ s, usage unknown; every step is done/);
    expect(rp.stderr).not.toContain('0 tokens');
  });

  it('the --parallel summary says what the run cost', async () => {
    const s = setup();
    const r = await run(s, ['--executor', 'claude', '--parallel', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/3 steps landed on \S+ in [\d.]+ s, [\d,]+ tokens, \$0\.06/);
  });
});
