import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareLanding } from '../../../src/core/team/integration-commit.js';
import { prepareWorktree } from '../../../src/core/team/worktrees.js';
import { useCleanups } from '../../support/cleanups.js';
import { git, tempDir } from '../../support/repo.js';
import { seedRepo } from '../../support/team-fixtures.js';

const green = async () => ({ ok: true, output: 'ok' });

describe('preparing a step for the integration branch', () => {
  const cleanups = useCleanups();
  /** A repo, a step worktree with one committed change, and main moved on meanwhile. */
  const scene = async (mainFile: string, mainText: string, stepFile: string, stepText: string) => {
    const t = tempDir('specloop-land-');
    cleanups.push(t.cleanup);
    const dir = seedRepo(t.dir, [
      { title: 'one', actions: [] },
      { title: 'two', actions: [] },
    ]);
    const base = git(dir, 'rev-parse', 'HEAD');
    const wt = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'prompt_plan',
      step: 2,
      base,
    });
    writeFileSync(join(wt.dir, stepFile), stepText);
    git(wt.dir, 'add', '-A');
    git(wt.dir, 'commit', '-q', '-m', 'wip');
    writeFileSync(join(dir, mainFile), mainText);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'Step 1\n\nSpecloop-Step: 1\nSpecloop-Plan: prompt_plan');
    const tip = git(dir, 'rev-parse', 'HEAD');
    const input = {
      env: process.env,
      repoRoot: dir,
      dir: wt.dir,
      step: { number: 2, title: 'two' },
      planId: 'prompt_plan',
      tip,
      todoPath: 'todo.md',
      mode: 'squash' as const,
      test: green,
    };
    return { dir, wt, tip, input };
  };

  it('rebases, tests, and builds one commit on the tip with the tick and the trailers', async () => {
    const { dir, tip, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    const r = await prepareLanding(input);
    expect(r.kind).toBe('ready');
    const commit = (r as { commit: string }).commit;
    expect(git(dir, 'rev-parse', `${commit}^`)).toBe(tip);
    expect(git(dir, 'show', `${commit}:out/two.txt`)).toBe('two');
    expect(git(dir, 'show', `${commit}:out/one.txt`)).toBe('one');
    expect(git(dir, 'show', `${commit}:todo.md`)).toContain('- [x] Step 2: two');
    expect(git(dir, 'show', `${commit}:todo.md`)).toContain('- [ ] Step 1: one');
    const msg = git(dir, 'log', '-1', '--format=%B', commit);
    expect(msg).toMatch(/^step 2: two/);
    expect(msg).toContain('Specloop-Step: 2');
    expect(msg).toContain('Specloop-Plan: prompt_plan');
  });

  it('the step branch itself never carries the tick (so a later rebase cannot conflict on todo.md)', async () => {
    const { wt, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    await prepareLanding(input);
    expect(git(wt.dir, 'show', 'HEAD:todo.md')).toContain('- [ ] Step 2: two');
  });

  it('a conflict aborts the rebase and reports the files and both sides', async () => {
    const { wt, input } = await scene(
      'out/shared.txt',
      'from step one\n',
      'out/shared.txt',
      'from step two\n',
    );
    const before = git(wt.dir, 'rev-parse', 'HEAD');
    const r = await prepareLanding(input);
    expect(r.kind).toBe('conflict');
    if (r.kind !== 'conflict') return;
    expect(r.files).toEqual(['out/shared.txt']);
    expect(r.details).toContain('from step one');
    expect(r.previousDiff).toContain('+from step two');
    expect(git(wt.dir, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(wt.dir, 'status', '--porcelain')).toBe('');
  });

  it('red tests after the rebase are reported with their output', async () => {
    const { input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    const r = await prepareLanding({ ...input, test: async () => ({ ok: false, output: 'boom' }) });
    expect(r).toEqual({ kind: 'red', output: 'boom' });
  });

  it('the tests run again only when the rebase moved HEAD off the commit they already passed', async () => {
    const { dir, wt, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    let runs = 0;
    const counting = async () => {
      runs += 1;
      return { ok: false, output: 'red on the new base' };
    };
    // main moved on (step 1 landed): the rebased commit is new, so it is tested (red here).
    const tested = git(wt.dir, 'rev-parse', 'HEAD');
    const moved = await prepareLanding({ ...input, test: counting, testedHead: tested });
    expect(moved).toEqual({ kind: 'red', output: 'red on the new base' });
    expect(runs).toBe(1);
    // Landing on the step's own base again: HEAD stays the tested commit, no second run.
    const rebased = git(wt.dir, 'rev-parse', 'HEAD');
    const tip = git(dir, 'rev-parse', 'HEAD');
    const same = await prepareLanding({ ...input, tip, test: counting, testedHead: rebased });
    expect(same.kind).toBe('ready');
    expect(runs).toBe(1);
    // Without a tested commit (a resumed step) the tests always run.
    await prepareLanding({ ...input, tip, test: counting });
    expect(runs).toBe(2);
  });

  it('a step landing on the very tip its tested commit was made on lands it as it is, without a rebase', async () => {
    const { dir, wt, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    const base = git(wt.dir, 'rev-parse', 'HEAD^');
    const tested = git(wt.dir, 'rev-parse', 'HEAD');
    // A git that writes down each subcommand, first on PATH.
    const bin = tempDir('specloop-land-bin-');
    cleanups.push(bin.cleanup);
    const log = join(bin.dir, 'calls.log');
    writeFileSync(log, '');
    writeFileSync(
      join(bin.dir, 'git'),
      `#!/bin/sh\necho "$1" >> '${log}'\nPATH='${process.env.PATH}' exec git "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const env = { ...process.env, PATH: `${bin.dir}:${process.env.PATH}` };
    let runs = 0;
    const counting = async () => {
      runs += 1;
      return { ok: true, output: '' };
    };
    const r = await prepareLanding({
      ...input,
      env,
      tip: base,
      test: counting,
      testedHead: tested,
      onBase: base,
    });
    expect(r).toMatchObject({ kind: 'ready', head: tested });
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(calls).not.toContain('rebase');
    expect(calls).not.toContain('rev-parse');
    expect(runs).toBe(0);
    const commit = (r as { commit: string }).commit;
    expect(git(dir, 'rev-parse', `${commit}^`)).toBe(base);
    expect(git(dir, 'show', `${commit}:out/two.txt`)).toBe('two');
    expect(git(dir, 'show', `${commit}:todo.md`)).toContain('- [x] Step 2: two');
    // The same commit landing on a tip that moved on is rebased (and tested) as before.
    const moved = await prepareLanding({ ...input, env, test: counting, testedHead: tested, onBase: base });
    expect(moved.kind).toBe('ready');
    expect(readFileSync(log, 'utf8')).toContain('rebase');
    expect(runs).toBe(1);
  });

  it('a step already integrated on the tip is reported, not landed twice', async () => {
    const { input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    const r = await prepareLanding({ ...input, step: { number: 1, title: 'one' } });
    expect(r).toMatchObject({ kind: 'already', author: 'Test' });
  });

  it('already integrated and conflicting: reported as integrated, the branch left as it was (no rebase half-done)', async () => {
    // Both sides add out/shared.txt, and step 1 (asked to land again) is on the tip.
    const both = ['out/shared.txt', 'from step one\n', 'out/shared.txt', 'from step two\n'] as const;
    const { wt, input } = await scene(...both);
    const head = () => git(wt.dir, 'rev-parse', 'HEAD');
    const before = head();
    expect(await prepareLanding({ ...input, step: { number: 1, title: 'one' } })).toMatchObject({
      kind: 'already',
      author: 'Test',
    });
    expect(head()).toBe(before);
    expect(git(wt.dir, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(git(wt.dir, 'rev-parse', '--absolute-git-dir'), 'rebase-merge'))).toBe(false);
  });

  it('ticks a todo file below the root and keeps every other entry of the tree (a submodule too)', async () => {
    const { dir, wt, tip, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    // The plan's todo lives in docs/plan/, and the tree holds a submodule whose commit is not here.
    mkdirSync(join(wt.dir, 'docs', 'plan'), { recursive: true });
    writeFileSync(
      join(wt.dir, 'docs', 'plan', 'todo.md'),
      '# Todo\n\n- [ ] Step 1: one\n- [ ] Step 2: two\n',
    );
    writeFileSync(join(wt.dir, 'docs', 'readme.md'), 'docs\n');
    const gitlink = 'a'.repeat(40);
    git(wt.dir, 'add', '-A');
    git(wt.dir, 'update-index', '--add', '--cacheinfo', `160000,${gitlink},vendor/lib`);
    git(wt.dir, 'commit', '-q', '-m', 'docs');
    const r = await prepareLanding({ ...input, todoPath: 'docs/plan/todo.md' });
    expect(r.kind).toBe('ready');
    const commit = (r as { commit: string }).commit;
    expect(git(dir, 'rev-parse', `${commit}^`)).toBe(tip);
    expect(git(dir, 'show', `${commit}:docs/plan/todo.md`)).toBe(
      '# Todo\n\n- [ ] Step 1: one\n- [x] Step 2: two',
    );
    // Apart from the tick, the tree is the step's own.
    expect(git(dir, 'diff', '--name-only', git(wt.dir, 'rev-parse', 'HEAD'), commit)).toBe(
      'docs/plan/todo.md',
    );
    expect(git(dir, 'ls-tree', commit, 'vendor/lib')).toBe(`160000 commit ${gitlink}\tvendor/lib`);
    expect(git(dir, 'show', `${commit}:todo.md`)).toBe(git(dir, 'show', `${tip}:todo.md`));
  });

  it('a todo file that is not tracked leaves the tree as the step made it', async () => {
    const { wt, input } = await scene('out/one.txt', 'one\n', 'out/two.txt', 'two\n');
    const r = await prepareLanding({ ...input, todoPath: 'docs/todo.md' });
    expect(r.kind).toBe('ready');
    expect(git(wt.dir, 'rev-parse', `${(r as { commit: string }).commit}^{tree}`)).toBe(
      git(wt.dir, 'rev-parse', 'HEAD^{tree}'),
    );
  });
});
