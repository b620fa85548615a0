import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { history, makeProject, TITLES, ticked } from '../support/run-fixtures.js';
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
    expect(calls(s.log)[0]?.argv).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
    ]);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0]).toMatchObject({ sessionIds: ['claude-session-1'], cost: 0.02 });
    expect(summary.usage).toEqual({ inputTokens: 1500, outputTokens: 200 });
    expect(r.stderr).toContain('Write src/step1.js');
  });

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
});
