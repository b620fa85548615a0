import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';
import { agentHandler, history, makeProject, snapshot, TITLES } from '../support/run-fixtures.js';
import { runProcess } from '../support/run-process.js';

/**
 * kill -9 at many points of a run (SPECLOOP_CRASH_AT=<point>[:<nth>] makes the CLI SIGKILL
 * itself there), then `specloop run` again: the final repository must equal that of an
 * uninterrupted run — same files, same commits (subjects + trailers), clean tree, every
 * box ticked — so no finished step was lost and none ran twice.
 */
describe('specloop run survives kill -9 anywhere', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  let good: FakeLlm;
  let flaky: FakeLlm;
  let reference: { files: Record<string, string>; status: string; branch: string; log: string[] };

  // Two steps are enough for every point (step 1, between steps, step 2's red and green
  // runs, the last commit); a third step only made every resume longer.
  const project = () => {
    const t = tempDir('specloop-crash-');
    cleanups.push(t.cleanup);
    return makeProject(t.dir, { titles: TITLES.slice(0, 2) });
  };
  const env = (dir: string, f: FakeLlm, extra: Record<string, string> = {}) => ({
    SPECLOOP_HOME: join(dir, '.home'),
    ...f.env(),
    ...extra,
  });
  const state = (dir: string) => ({ ...snapshot(dir), log: history(dir) });

  beforeAll(async () => {
    good = await startFakeLlm(agentHandler());
    flaky = await startFakeLlm(agentHandler((step, retry) => step === 2 && !retry));
    const dir = project();
    const r = await runProcess(['run'], { cwd: dir, env: env(dir, good) });
    expect(r.code, r.stderr).toBe(0);
    reference = state(dir);
  });
  afterAll(async () => {
    await good?.close();
    await flaky?.close();
    for (const c of cleanups.splice(0)) await c();
  });

  it('the reference run is what we expect', () => {
    expect(reference.log.filter((l) => l.includes('|prompt_plan'))).toHaveLength(2);
    expect(reference.status).toBe('');
    expect(reference.files['todo.md']).not.toContain('[ ]');
  });

  const points: [string, 'good' | 'flaky'][] = [
    ['branch', 'good'], // branch created, plan files not yet committed
    ['plan-committed', 'good'],
    ['journal', 'good'], // step 1 announced in the journal, nothing done yet
    ['tool', 'good'], // step 1: the agent wrote its first file, not the test
    ['tool:2', 'good'], // both files written, before `finish`
    ['executor', 'good'], // attempt finished, not yet tested
    ['tests', 'good'], // while the test command runs
    ['todo-temp', 'good'], // in the middle of the atomic todo.md write
    ['todo-written', 'good'], // todo ticked, nothing staged
    ['staged', 'good'], // staged, before `git commit`
    ['committed', 'good'], // committed, journal not updated
    ['step-done', 'good'], // between steps
    ['staged:2', 'good'], // the same, in step 2
    ['tests:2', 'flaky'], // step 2's first (red) test run
    ['executor:3', 'flaky'], // step 2's retry finished, unchecked
    ['tests:3', 'flaky'], // step 2's second (green) test run
    ['committed:2', 'good'], // after the last commit
  ];

  // Each case is two independent processes in its own repo: run three side by side (the
  // machine mostly waits on process start-up and git); more only thrash a 2-core box.
  let slots = 3;
  const waiting: Array<() => void> = [];
  const limited = async <T>(fn: () => Promise<T>): Promise<T> => {
    while (slots === 0) await new Promise<void>((r) => waiting.push(r));
    slots--;
    try {
      return await fn();
    } finally {
      slots++;
      waiting.shift()?.();
    }
  };
  for (const [point, which] of points) {
    it.concurrent(`kill -9 at ${point}, then resume → same final repo`, { timeout: 180_000 }, () =>
      limited(async () => {
        const dir = project();
        const f = which === 'good' ? good : flaky;
        const crashed = await runProcess(['run'], {
          cwd: dir,
          env: env(dir, f, { SPECLOOP_CRASH_AT: point }),
        });
        expect(crashed.signal, `${point} was never reached:\n${crashed.stderr}`).toBe('SIGKILL');
        const resumed = await runProcess(['run'], { cwd: dir, env: env(dir, f) });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(state(dir)).toEqual(reference);
        expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      }),
    );
  }

  it('a commit that fails (pre-commit hook) is retried by the next run without redoing the step', async () => {
    const dir = project();
    const hook = join(dir, '.git/hooks/pre-commit');
    // Refuse only the step's commit (the plan commit before it goes through).
    writeFileSync(
      hook,
      '#!/bin/sh\nif git diff --cached --name-only | grep -q step1; then echo "hook says no" >&2; exit 1; fi\n',
    );
    chmodSync(hook, 0o755);
    const before = good.requests.length;
    const first = await runCli(['run'], { cwd: dir, env: env(dir, good) });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('hook says no');
    expect(first.stderr).toContain('run `specloop run` again');
    expect(good.requests.length).toBeGreaterThan(before);
    const calls = good.requests.length;
    rmSync(hook);
    const second = await runCli(['run', '--until', '1'], { cwd: dir, env: env(dir, good) });
    expect(second.code, second.stderr).toBe(0);
    expect(good.requests.length, second.stderr).toBe(calls); // step 1 was committed, not re-executed
    expect(history(dir).at(-1)).toBe('step 1: First function|1|prompt_plan');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});
