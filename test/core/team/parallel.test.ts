import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanFormatError } from '../../../src/core/plan/index.js';
import type { ExecuteFn } from '../../../src/core/team/index.js';
import { prepareLanding } from '../../../src/core/team/integration-commit.js';
import { stepBranch, worktreeDir } from '../../../src/core/team/worktrees.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { git, tempDir } from '../../support/repo.js';
import {
  CHECK_SH,
  type FixtureStep,
  fakeExecute,
  parallelRun,
  seedRepo,
  stepTrailers,
} from '../../support/team-fixtures.js';

describe('run --parallel (engine with a stand-in executor)', () => {
  const cleanups = useCleanups();
  const setup = (steps: FixtureStep[]) => {
    const t = tempDir('specloop-par-');
    cleanups.push(t.cleanup);
    const dir = seedRepo(t.dir, steps);
    const ctx = makeTestContext({ cwd: dir, config: { test: { command: 'sh check.sh' } } });
    return { dir, ctx };
  };
  const DAG: FixtureStep[] = [
    { title: 'base', actions: ['WRITE out/base.txt base'] },
    { title: 'a', deps: [1], actions: ['SLEEP 500', 'WRITE out/a.txt a'] },
    { title: 'b', deps: [1], actions: ['SLEEP 500', 'WRITE out/b.txt b'] },
    { title: 'c', deps: [1], actions: ['SLEEP 500', 'WRITE out/c.txt c'] },
    { title: 'join', deps: [2, 3, 4], actions: ['WRITE out/join.txt join'] },
  ];

  it('lands every step of a DAG exactly once, running independent steps at the same time', async () => {
    const { dir, ctx } = setup(DAG);
    let now = 0;
    let peak = 0;
    const inner = fakeExecute();
    const execute: ExecuteFn = async (o) => {
      peak = Math.max(peak, ++now);
      try {
        return await inner(o);
      } finally {
        now--;
      }
    };
    const r = await parallelRun(ctx, { parallel: 3 }, { execute });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    // Never more than --parallel; and independent steps did overlap.
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
    const trailers = stepTrailers(dir, 'main');
    expect([...trailers].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(trailers[0]).toBe(1);
    expect(trailers[4]).toBe(5);
    expect(readFileSync(join(dir, 'todo.md'), 'utf8')).not.toContain('[ ]');
    expect(readFileSync(join(dir, 'out', 'join.txt'), 'utf8')).toBe('join\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(worktreeDir(dir, 'prompt_plan', 2))).toBe(false);
    expect(git(dir, 'branch', '--list', 'specloop-step/*')).toBe('');
  });

  it('two independent steps touching the same file land through a retry on the new base', async () => {
    const { dir, ctx } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'left', deps: [1], actions: ['SLEEP 100', 'APPEND out/shared.txt left'] },
      { title: 'right', deps: [1], actions: ['SLEEP 100', 'APPEND out/shared.txt right'] },
    ]);
    const calls: { step: number; prompt: string; dir: string }[] = [];
    const r = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute(calls) });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    const shared = readFileSync(join(dir, 'out', 'shared.txt'), 'utf8')
      .trim()
      .split('\n')
      .sort();
    expect(shared).toEqual(['left', 'right']);
    const retried = r.outcomes.filter((o) => o.rebases > 0);
    expect(retried).toHaveLength(1);
    const retryCall = calls.filter((c) => c.step === retried[0]?.step)[1];
    expect(retryCall?.prompt).toContain('redo this step on the latest integrated code');
    expect(retryCall?.prompt).toContain('out/shared.txt');
    expect([...stepTrailers(dir, 'main')].sort()).toEqual([1, 2, 3]);
  });

  it('a landing prepared on the one ahead, which then turns red, is undone and lands on the real tip', async () => {
    const { dir, ctx } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'a', deps: [1], actions: ['WRITE out/a.txt a'] },
      { title: 'b', deps: [1], actions: ['SLEEP 150', 'WRITE out/b.txt b'] },
      { title: 'c', deps: [1], actions: ['SLEEP 850', 'WRITE out/c.txt c'] },
    ]);
    // a and b cannot live together; with b there, the tests take half a second, so c's
    // attempt ends while b's landing is being tested and c prepares on b's commit. (The
    // outcome checked below is the same whatever the timing.)
    writeFileSync(
      join(dir, 'check.sh'),
      `${CHECK_SH.replace('echo ok', '')}[ -e out/b.txt ] && sleep 0.5\nif [ -e out/a.txt ] && [ -e out/b.txt ]; then echo "a and b clash"; exit 1; fi\necho ok\n`,
    );
    git(dir, 'commit', '-qam', 'a and b clash');
    const r = await parallelRun(ctx, { parallel: 3, maxRebases: 1 }, { execute: fakeExecute() });
    expect(r.exitCode, ctx.err()).toBe(1);
    const status = Object.fromEntries(r.outcomes.map((o) => [o.step, o.status]));
    expect(status).toEqual({ 1: 'landed', 2: 'landed', 3: 'failed', 4: 'landed' });
    expect([...stepTrailers(dir, 'main')]).toEqual([1, 2, 4]);
    expect(existsSync(join(dir, 'out', 'b.txt'))).toBe(false);
    expect(git(dir, 'show', '--name-only', '--format=', 'main')).not.toContain('out/b.txt');
    // Not a lost race: nobody else moved the branch.
    expect(ctx.err()).not.toContain('moved while landing');
  });

  it('the retry note comes from a project template when there is one', async () => {
    const { dir, ctx } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'left', deps: [1], actions: ['SLEEP 100', 'APPEND out/shared.txt left'] },
      { title: 'right', deps: [1], actions: ['SLEEP 100', 'APPEND out/shared.txt right'] },
    ]);
    mkdirSync(join(dir, '.specloop', 'templates'), { recursive: true });
    writeFileSync(
      join(dir, '.specloop', 'templates', 'team-conflict.md'),
      '---\ninternal: true\nvariables: [landed, files, details, previous_diff]\n---\nOUR HOUSE RULES: redo it over {{files}}.\n',
    );
    git(dir, 'add', '-f', '.specloop/templates/team-conflict.md');
    git(dir, 'commit', '-qm', 'our retry note');
    const calls: { step: number; prompt: string; dir: string }[] = [];
    const r = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute(calls) });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    const retried = r.outcomes.find((o) => o.rebases > 0);
    const retryCall = calls.filter((c) => c.step === retried?.step)[1];
    expect(retryCall?.prompt).toContain('OUR HOUSE RULES: redo it over out/shared.txt.');
    expect(retryCall?.prompt).not.toContain('redo this step on the latest integrated code');
  });

  it('worktrees get the main checkout’s ignored node_modules as a link, never committed', async () => {
    const { dir, ctx } = setup([
      { title: 'one', actions: ['WRITE out/one.txt one'] },
      { title: 'two', deps: [], actions: ['WRITE out/two.txt two'] },
    ]);
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    // The tests read ./node_modules directly (as `./node_modules/.bin/x` or a .venv path
    // would): red in a worktree without the link. (Node's own lookup would walk up to the
    // main checkout, since worktrees live inside it.)
    writeFileSync(join(dir, 'check.sh'), `test -f node_modules/dep/index.js || exit 1\n${CHECK_SH}`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'tests need node_modules');
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    const r = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute() });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    expect([...stepTrailers(dir, 'main')].sort()).toEqual([1, 2]);
    expect(git(dir, 'log', '--name-only', '--format=', 'main').split('\n')).not.toContain('node_modules');
    expect(readFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('an executor’s own edit of todo.md is undone: only specloop ticks, in the landing commit', async () => {
    const { dir, ctx } = setup([
      { title: 'one', actions: ['WRITE out/one.txt one', 'APPEND todo.md - [x] Step 1: done by the agent'] },
    ]);
    const r = await parallelRun(ctx, {}, { execute: fakeExecute() });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    expect(git(dir, 'show', 'main:todo.md')).toBe('# Todo\n\n- [x] Step 1: one');
  });

  it('a failing step blocks only its dependents; the run exits 1 and keeps its worktree', async () => {
    const { dir, ctx } = setup([
      { title: 'base', actions: ['WRITE out/base.txt base'] },
      { title: 'broken', deps: [1], actions: ['WRITE out/x.txt BROKEN'] },
      { title: 'fine', deps: [1], actions: ['WRITE out/y.txt fine'] },
      { title: 'after broken', deps: [2], actions: ['WRITE out/z.txt z'] },
    ]);
    const r = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute() });
    expect(r.exitCode).toBe(1);
    expect(r.done).toEqual([1, 3]);
    expect(r.remaining).toEqual([2, 4]);
    expect(r.outcomes.find((o) => o.step === 2)?.status).toBe('failed');
    expect(existsSync(join(worktreeDir(dir, 'prompt_plan', 2), 'out', 'x.txt'))).toBe(true);
  });

  it('resumes committed work left by a crash without running the executor again', async () => {
    const { dir, ctx } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const base = git(dir, 'rev-parse', 'HEAD');
    git(
      dir,
      'worktree',
      'add',
      '-q',
      '-b',
      stepBranch('prompt_plan', 1),
      worktreeDir(dir, 'prompt_plan', 1),
      base,
    );
    writeFileSync(join(worktreeDir(dir, 'prompt_plan', 1), 'out', 'only.txt'), 'only\n');
    git(worktreeDir(dir, 'prompt_plan', 1), 'add', '-A');
    git(worktreeDir(dir, 'prompt_plan', 1), 'commit', '-q', '-m', 'wip');
    const calls: { step: number; prompt: string; dir: string }[] = [];
    const r = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute(calls) });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    expect(calls).toHaveLength(0);
    expect(stepTrailers(dir, 'main')).toEqual([1]);
    expect(ctx.err()).toContain('resuming from committed work');
  });

  it('a hand commit on the branch while a step works: the landing loses the race, rebases, and lands on top', async () => {
    const { dir, ctx } = setup([
      { title: 'one', actions: ['WRITE out/one.txt one'] },
      { title: 'two', deps: [1], actions: ['WRITE out/two.txt two'] },
    ]);
    const inner = fakeExecute();
    const execute: ExecuteFn = async (o) => {
      const r = await inner(o);
      // Someone commits on the integration branch (checked out here) while step 2 works.
      if (o.step.number === 2) {
        writeFileSync(join(dir, 'hand.txt'), 'by hand\n');
        git(dir, 'add', 'hand.txt');
        git(dir, 'commit', '-q', '-m', 'a hand commit');
      }
      return r;
    };
    const r = await parallelRun(ctx, { parallel: 2 }, { execute });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    expect(ctx.err()).toContain('step 2: main moved while landing; rebasing onto the new tip');
    expect(stepTrailers(dir, 'main')).toEqual([1, 2]);
    expect(git(dir, 'log', '-1', '--format=%s', 'main^')).toBe('a hand commit');
    expect(git(dir, 'show', 'main:hand.txt')).toBe('by hand');
    expect(git(dir, 'show', 'main:out/two.txt')).toBe('two');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a crash after landing but before cleanup: the leftover worktree and branch are removed', async () => {
    const { dir, ctx } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    const base = git(dir, 'rev-parse', 'HEAD');
    const wt = worktreeDir(dir, 'prompt_plan', 1);
    git(dir, 'worktree', 'add', '-q', '-b', stepBranch('prompt_plan', 1), wt, base);
    writeFileSync(join(wt, 'out', 'only.txt'), 'only\n');
    git(wt, 'add', '-A');
    git(wt, 'commit', '-q', '-m', 'wip');
    const landed = await prepareLanding({
      env: ctx.env,
      repoRoot: dir,
      dir: wt,
      step: { number: 1, title: 'only' },
      planId: 'prompt_plan',
      tip: base,
      todoPath: 'todo.md',
      mode: 'squash',
      test: async () => ({ ok: true, output: '' }),
    });
    git(dir, 'merge', '--ff-only', '-q', (landed as { commit: string }).commit);
    const r = await parallelRun(ctx, {}, { execute: fakeExecute() });
    expect(r.exitCode, `${ctx.err()}${JSON.stringify(r.outcomes)}`).toBe(0);
    expect(ctx.err()).toContain('step 1: already integrated; removed its leftover worktree\n');
    expect(existsSync(wt)).toBe(false);
    expect(git(dir, 'branch', '--list', 'specloop-step/*')).toBe('');
    expect(stepTrailers(dir, 'main')).toEqual([1]);
  });

  it('a dependency cycle is a usage error naming the cycle', async () => {
    const { ctx } = setup([
      { title: 'a', deps: [2], actions: [] },
      { title: 'b', deps: [1], actions: [] },
    ]);
    const err = await parallelRun(ctx, { parallel: 2 }, { execute: fakeExecute() }).catch((e) => e);
    expect(err).toBeInstanceOf(PlanFormatError);
    expect(err.message).toMatch(/cycle: Step \d → Step \d → Step \d/);
  });

  it('an edited plan is committed by itself first ("specloop: update plan"), as in a solo run', async () => {
    const { dir, ctx } = setup([{ title: 'only', actions: ['WRITE out/only.txt only'] }]);
    writeFileSync(join(dir, 'todo.md'), '# Todo\n\n- [ ] Step 1: only\n- extra\n');
    const r = await parallelRun(ctx, {}, { execute: fakeExecute() });
    expect(r.exitCode, ctx.err()).toBe(0);
    expect(git(dir, 'log', '--format=%s', 'main')).toContain('specloop: update plan');
    expect(stepTrailers(dir, 'main')).toEqual([1]);
  });

  it('an infrastructure failure in one step stops the run: the step running beside it is stopped, nothing lands', async () => {
    const { InfraError } = await import('../../../src/core/llm/infra-error.js');
    const { dir, ctx } = setup([
      { title: 'a', actions: ['WRITE out/a.txt a'] },
      { title: 'b', actions: ['WRITE out/b.txt b'] },
    ]);
    let stoppedB = false;
    let bRunning!: () => void;
    const running = new Promise<void>((r) => (bRunning = r));
    const execute: ExecuteFn = async ({ step, signal }) => {
      if (step.number === 1) {
        await running; // fail while step 2 works
        throw new InfraError('auth', 'model call failed: the provider rejected the API key');
      }
      // Step 2 would work forever: only the run stopping ends it.
      const stopped = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      bRunning();
      await stopped;
      stoppedB = signal.aborted;
      return {
        ok: false,
        attempts: 1,
        cost: 0,
        costKnown: true,
        usage: { inputTokens: 0, outputTokens: 0 },
        usageKnown: true,
        reason: 'stopped',
      };
    };
    const err = await parallelRun(ctx, { parallel: 2 }, { execute }).catch((e) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect(err).toMatchObject({ exitCode: 2, code: 'E_INFRA_AUTH' });
    expect(stoppedB).toBe(true);
    expect(stepTrailers(dir, 'HEAD')).toEqual([]);
  });
});
