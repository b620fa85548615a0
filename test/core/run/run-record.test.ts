import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId } from '../../../src/core/run/hooks.js';
import { readStepRecord, recordAttempt, treeDiff } from '../../../src/core/run/run-record.js';
import { assertTestCommandRuns, testPreflight } from '../../../src/core/run/test-preflight.js';
import { useCleanups } from '../../support/cleanups.js';
import { runCli } from '../../support/cli.js';
import { makeTestContext } from '../../support/context.js';
import { git, initRepo, writeFiles } from '../../support/repo.js';

const RED =
  "import assert from 'node:assert/strict';\nimport test from 'node:test';\ntest('adds', () => assert.equal(1 + 1, 3));\n";

describe('run records and `specloop show`', () => {
  const cleanups = useCleanups();

  async function recorded() {
    const dir = initRepo(cleanups.tmp('specloop-rec-'), { 'src/a.js': 'export const a = 1;\n' });
    const ctx = makeTestContext({ cwd: dir });
    const runId = newRunId({ clock: { now: () => Date.UTC(2026, 11, 1, 12, 0, 0) } } as never);
    writeFiles(dir, { 'src/a.js': 'export const a = 2;\n', 'src/b.js': 'export const b = 1;\n' });
    const base = {
      root: dir,
      runId,
      step: 2,
      executor: 'claude',
      workDir: dir,
      exclude: ['.specloop'],
      startedAt: 1000,
      now: 4000,
    };
    await recordAttempt(ctx, {
      ...base,
      attempt: 1,
      prompt: 'Implement step 2.',
      result: {
        ok: true,
        usage: { inputTokens: 0, outputTokens: 0 },
        usageKnown: false,
        cost: null,
        transcript: '$ claude -p\n{"type":"result"}',
      },
      ok: false,
      reason: 'the test command failed (exit 1)',
      test: {
        output: `TAP version 13\n${'ok 1 - fine\n'.repeat(400)}not ok 401 - adds\n  ---\n  error: 2 !== 3\n  ...\n# fail 1\n`,
        code: 1,
      },
    });
    await recordAttempt(ctx, {
      ...base,
      attempt: 2,
      prompt: 'Retry.',
      ok: true,
      test: { output: '# pass 1\n', code: 0 },
      result: { ok: true, usage: { inputTokens: 10, outputTokens: 5 }, cost: 0.0012 },
    });
    return { dir, runId };
  }

  it('each attempt is a directory of 0600 files: prompt, raw output, test output, the diff with new files', async () => {
    const { dir, runId } = await recorded();
    const rec = await readStepRecord(dir, 2);
    expect(rec?.runId).toBe(runId);
    expect(runId).toMatch(/^20261201T120000-\d+$/);
    expect(rec?.attempts.map((a) => [a.attempt, a.ok, a.reason])).toEqual([
      [1, false, 'the test command failed (exit 1)'],
      [2, true, undefined],
    ]);
    const a1 = rec!.attempts[0]!;
    expect(a1.dir).toBe(`.specloop/runs/${runId}/step-2/attempt-1`);
    for (const f of Object.values(a1.files)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, a1.dir)).mode & 0o777).toBe(0o700);
    const show = await runCli(['show', '2', '--attempt', '1', '--part', 'diff'], { cwd: dir });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('+export const a = 2;');
    expect(show.stdout).toContain('+++ b/src/b.js'); // an untracked file is in the diff
    expect(git(dir, 'status', '--porcelain')).toContain('?? src/b.js'); // the user's index untouched
  });

  it('`specloop show N` prints each attempt’s reason, usage (or "usage unknown") and the failing test', async () => {
    const { dir } = await recorded();
    const r = await runCli(['show', '2', '--attempt', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'attempt 1 (claude): failed: the test command failed (exit 1) · usage unknown',
    );
    expect(r.stdout).toContain('attempt 2 (claude): passed · 15 tokens, $0.0012');
    expect(r.stdout).toContain('not ok 401 - adds');
    expect(r.stdout).toContain('2 !== 3');
    expect(r.stdout).not.toContain('ok 200 - fine');
    const j = JSON.parse((await runCli(['show', '2', '--json'], { cwd: dir })).stdout);
    expect(j.attempts).toHaveLength(2);
    expect(j.attempts[0].files.transcript).toMatch(/attempt-1\/transcript\.txt$/);
  });

  it('the recorded diff is the tree against HEAD, new and deleted files included, the user’s index untouched', async () => {
    const dir = initRepo(cleanups.tmp('specloop-rec-'), {
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'gone.txt': 'gone\n',
      '.specloop/templates/t.md': 't\n',
    });
    writeFiles(dir, { 'b.txt': 'b staged\n', '.specloop/templates/t.md': 't staged\n' });
    git(dir, 'add', 'b.txt', '.specloop/templates/t.md');
    // Changed again at once, keeping the size: what a stale stat cache would miss.
    writeFiles(dir, { 'a.txt': 'A\n', 'b.txt': 'B staged\n', 'new/n.txt': 'n\n' });
    rmSync(join(dir, 'gone.txt'));
    const index = readFileSync(join(dir, '.git', 'index'));
    const diff = await treeDiff(makeTestContext({ cwd: dir }), dir, ['.specloop']);
    // The same as git's own answer from HEAD's tree in a scratch index.
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, '.git', 'scratch-index') };
    const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    run('read-tree', 'HEAD');
    run('add', '-A', '--', '.', ':(exclude,top).specloop');
    expect(diff).toBe(run('diff', '--cached', '--no-color', 'HEAD'));
    for (const s of ['+A', '+B staged', '+++ b/new/n.txt', 'deleted file mode']) expect(diff).toContain(s);
    expect(diff).not.toContain('.specloop');
    expect(readFileSync(join(dir, '.git', 'index')).equals(index)).toBe(true);
    expect(readdirSync(join(dir, '.git')).filter((f) => f.startsWith('specloop-record-index'))).toEqual([]);
  });

  it('no record: exit 2 saying how to get one', async () => {
    const dir = initRepo(cleanups.tmp('specloop-rec-'), { 'a.txt': 'a\n' });
    const r = await runCli(['show', '7'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no record of step 7');
  });
});

describe('test preflight', () => {
  const cleanups = useCleanups();
  const setup = (files: Record<string, string>) => {
    const dir = initRepo(cleanups.tmp('specloop-pre-'), { 'package.json': '{"type":"module"}\n', ...files });
    return { dir, ctx: makeTestContext({ cwd: dir }) };
  };

  it('a red suite stops before any step with its failure shown; --allow-red goes on', async () => {
    const { dir, ctx } = setup({ 'test/a.test.js': RED });
    const notes: string[] = [];
    const onEvent = (e: { type: string; text?: string }) => void (e.text && notes.push(e.text));
    const err = await testPreflight(ctx, {
      cwd: dir,
      command: 'node --test',
      timeoutMs: 60_000,
      onEvent,
    }).catch((e) => e);
    expect(err).toMatchObject({ exitCode: 1, code: 'E_RED_BASELINE' });
    expect(err.message).toContain('already red before any step ran: `node --test` failed (exit 1)');
    expect(err.hint).toContain('--allow-red');
    expect(notes.join('\n')).toContain('not ok 1 - adds');
    const r = await testPreflight(ctx, {
      cwd: dir,
      command: 'node --test',
      timeoutMs: 60_000,
      allowRed: true,
      onEvent,
    });
    expect(r.ok).toBe(false);
  });

  it('a test command that is not found (127) or not executable (126) is exit 2 at once', async () => {
    const { dir, ctx } = setup({ 'run-tests.sh': 'echo hi\n' });
    const nf = await testPreflight(ctx, { cwd: dir, command: 'nosuchcmd --flag', timeoutMs: 60_000 }).catch(
      (e) => e,
    );
    expect(nf).toMatchObject({ exitCode: 2, code: 'E_TEST_COMMAND' });
    expect(nf.message).toMatch(/`nosuchcmd --flag` was not found \(exit 127\): .*nosuchcmd.*not found/);
    const ne = await testPreflight(ctx, { cwd: dir, command: './run-tests.sh', timeoutMs: 60_000 }).catch(
      (e) => e,
    );
    expect(ne.message).toContain('is not executable (exit 126)');
    expect(() => assertTestCommandRuns({ code: 1, command: 'x', output: '', timedOut: false })).not.toThrow();
  });
});
