import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../../src/core/run/index.js';
import { resolveRunSettings, runPlan } from '../../../src/core/run/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';
import { git, initRepo, writeFiles } from '../../support/repo.js';
import { planText, TITLES, todoText } from '../../support/run-fixtures.js';

/**
 * The price of a step in processes: on a VM a process start costs ~10 ms of kernel time, so
 * a solo step must not creep back to the 16 git calls it once took (`npm run bench:run`).
 * A `git` in front on PATH writes down every call the run makes.
 */
describe('git processes per solo step', () => {
  const cleanups = useCleanups();

  it('a green step costs 8: status ×3, ls-files, the record diff (add, diff), add, commit; git auto maintenance once per run', async () => {
    const dir = initRepo(cleanups.tmp('specloop-calls-'), {
      'prompt_plan.md': planText(TITLES),
      'todo.md': todoText(TITLES),
      '.gitignore': 'node_modules/\n',
    });
    const bin = cleanups.tmp('specloop-calls-bin-');
    const log = join(bin, 'calls.log');
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\necho "$*" >> '${log}'\nPATH='${process.env.PATH}' exec git "$@"\n`,
      {
        mode: 0o755,
      },
    );
    writeFileSync(log, '');
    const ctx = makeTestContext({
      cwd: dir,
      config: { test: { command: 'true' } },
      env: { PATH: `${bin}:${process.env.PATH}`, SPECLOOP_HOME: join(dir, '.specloop', 'home') },
    });
    const executor: Executor = {
      name: 'builtin',
      label: 'stand-in',
      async run(input) {
        writeFiles(dir, {
          [`src/step${input.step}.js`]: `${input.step}\n`,
          [`test/step${input.step}.test.js`]: '',
        });
        return { ok: true, usage: { inputTokens: 0, outputTokens: 0 }, cost: null };
      },
    };
    const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // The subcommand of each call (past any `-c name=value`).
    const calls = () => lines().map((l) => l.replace(/^(-c \S+ )+/, '').split(' ')[0] as string);
    const startedAt: number[] = [];
    const r = await runPlan(ctx, resolveRunSettings(ctx, {}), {
      executor,
      onEvent: (e) => {
        if (e.type === 'step-start') startedAt.push(calls().length);
      },
    });
    expect(r.exitCode).toBe(0);
    expect(r.done).toEqual([1, 2, 3]);
    const all = calls();
    // git's auto maintenance runs once, after the last step, not from each step's commit.
    expect(all.slice(-2)).toEqual(['config', 'maintenance']);
    expect(
      lines()
        .filter((l) => / commit --quiet/.test(` ${l}`))
        .every((l) => l.startsWith('-c maintenance.auto=false commit')),
    ).toBe(true);
    startedAt.push(all.length - 2);
    // From one step's start to the next's; the first starts after the run's own set-up reads.
    const perStep = startedAt.slice(1).map((end, i) => all.slice(startedAt[i], end));
    // The run record's root (`rev-parse --show-toplevel`) is looked up once, with the run's
    // own set-up reads: no step pays for it.
    expect(lines().filter((l) => l.includes('rev-parse --show-toplevel')).length).toBeGreaterThan(0);
    for (const [i, step] of perStep.entries()) {
      const count = (c: string) => step.filter((x) => x === c).length;
      expect({ step: i + 1, calls: step.length }).toEqual({ step: i + 1, calls: 8 });
      expect(count('status')).toBe(3);
      expect(count('rev-parse')).toBe(0);
      expect(count('ls-files')).toBe(1);
      expect(count('commit')).toBe(1);
    }
    // Each step still landed with its real work, and its record holds the diff of it.
    expect(git(dir, 'log', '--format=%s', '-3').split('\n')).toEqual(
      TITLES.map((t, i) => `step ${i + 1}: ${t}`).reverse(),
    );
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(
      ['src/step3.js', 'test/step3.test.js', 'todo.md'].sort(),
    );
  });
});
