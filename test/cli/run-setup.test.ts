import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir, writeFiles } from '../support/repo.js';
import {
  FIXTURE_TEST_CMD,
  history,
  makeProject,
  planText,
  TITLES,
  ticked,
  todoText,
} from '../support/run-fixtures.js';
import { installStandins } from '../support/run-standins.js';

/** Branches, dirty trees, bad input, --from, --dry-run, limits. Executor: the aider stand-in. */
describe('specloop run: setup and bad input', () => {
  const cleanups = useCleanups();
  let bin = '';
  const project = (o: Parameters<typeof makeProject>[1] = {}) => {
    const t = tempDir('specloop-run-setup-');
    const b = tempDir('specloop-bin-');
    cleanups.push(t.cleanup, b.cleanup);
    bin = installStandins(b.dir, ['aider']);
    return makeProject(t.dir, o);
  };
  const run = (dir: string, args: string[] = [], env: Record<string, string> = {}) =>
    runCli(['run', '--executor', 'aider', ...args], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), PATH: `${bin}:${process.env.PATH}`, ...env },
    });
  const head = (dir: string) => git(dir, 'rev-parse', 'HEAD');

  it('no plan → exit 2 pointing at `specloop plan`, nothing written', async () => {
    const dir = project();
    rmSync(join(dir, 'prompt_plan.md'));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no prompt_plan.md found');
    expect(r.stderr).toContain('specloop plan');
    expect(git(dir, 'branch', '--list')).toBe('* main');
  });

  it('a plan without todo.md → exit 2 pointing at `specloop plan`', async () => {
    const dir = project();
    rmSync(join(dir, 'todo.md'));
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no todo.md');
    expect(r.stderr).toContain('specloop plan');
  });

  it('no test command → exit 2 pointing at `specloop init` and --test-cmd', async () => {
    const dir = project({ testCommand: null });
    const before = head(dir);
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no test command');
    expect(r.stderr).toContain('specloop init');
    expect(r.stderr).toContain('--test-cmd');
    expect(head(dir)).toBe(before);
    expect((await run(dir, ['--test-cmd', FIXTURE_TEST_CMD, '--next'])).code).toBe(0);
  });

  it('a todo.md that disagrees with the plan → exit 2 listing the mismatch', async () => {
    const dir = project();
    writeFiles(dir, { 'todo.md': todoText(['First function', 'Something else', 'Third function']) });
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Step 2 has different titles');
  });

  it('not a git repository → exit 2 with how to start one', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFiles(t.dir, { 'prompt_plan.md': planText(TITLES), 'todo.md': todoText(TITLES) });
    const r = await runCli(['run', '--test-cmd', 'true'], { cwd: t.dir, env: { SPECLOOP_HOME: t.dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not inside a git repository');
    expect(r.stderr).toContain('git init');
  });

  it('a dirty tree is refused (exit 2, nothing written) unless --yes, which commits it on the run branch', async () => {
    const dir = project({ commitPlan: true });
    writeFiles(dir, { 'notes.txt': 'my work in progress\n' });
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('?? notes.txt');
    expect(r.stderr).toContain('--yes');
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    const y = await run(dir, ['--yes', '--next']);
    expect(y.code).toBe(0);
    expect(history(dir).slice(1, 3)).toEqual(['plan||', 'specloop: save work before run||']);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~1')).toBe('notes.txt');
    expect(git(dir, 'log', '-1', '--format=%s', 'main')).toBe('plan'); // the user's branch is untouched
  });

  it('with --yes, dirty work and new plan files go into separate commits', async () => {
    const dir = project();
    writeFiles(dir, { 'notes.txt': 'my work in progress\n' });
    const y = await run(dir, ['--yes', '--next']);
    expect(y.code, y.stderr).toBe(0);
    expect(history(dir).slice(1, 3)).toEqual(['specloop: save work before run||', 'specloop: add plan||']);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~2')).toBe('notes.txt');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~1').split('\n').sort()).toEqual([
      'prompt_plan.md',
      'todo.md',
    ]);
  });

  it('uncommitted plan files are not "dirty": they are committed as "specloop: add plan"', async () => {
    const dir = project();
    expect((await run(dir, ['--next'])).code).toBe(0);
    expect(history(dir)[1]).toBe('specloop: add plan||');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~1').split('\n').sort()).toEqual([
      'prompt_plan.md',
      'todo.md',
    ]);
  });

  it('what `specloop init` left uncommitted (specloop.toml, its .gitignore lines) goes in with the plan', async () => {
    const dir = project();
    const toml = readFileSync(join(dir, 'specloop.toml'), 'utf8');
    writeFiles(dir, {
      'specloop.toml': `# written by specloop init\n${toml}`,
      '.gitignore': `node_modules/\n.home/\n\n# specloop runtime files\n.specloop/*\n!.specloop/templates/\n`,
    });
    const r = await run(dir, ['--next']);
    expect(r.code).toBe(0);
    expect(history(dir)[1]).toBe('specloop: add plan||');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~1').split('\n').sort()).toEqual([
      '.gitignore',
      'prompt_plan.md',
      'specloop.toml',
      'todo.md',
    ]);
  });

  it('a --from plan is a pull request: what `specloop init` just wrote stays out of its branch, and keeps working', async () => {
    const dir = project();
    const toml = readFileSync(join(dir, 'specloop.toml'), 'utf8');
    git(dir, 'rm', '-q', '--cached', 'specloop.toml');
    git(dir, 'commit', '-qm', 'no specloop yet');
    for (const f of ['prompt_plan.md', 'todo.md']) rmSync(join(dir, f));
    writeFiles(dir, {
      'changes/x.md': planText(TITLES),
      'specloop.toml': `# written by specloop init\n${toml}`,
      '.gitignore': `node_modules/\n.home/\n\n# specloop runtime files\n.specloop/*\n!.specloop/templates/\n`,
    });
    const r = await run(dir, ['--from', 'changes/x.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'kept what specloop init wrote (specloop.toml, its .gitignore lines) out of the run branch',
    );
    expect(git(dir, 'branch', '--show-current')).toBe('specloop/x');
    const changed = git(dir, 'diff', '--name-only', 'main...HEAD').split('\n');
    expect(changed).not.toContain('specloop.toml');
    expect(changed).not.toContain('.gitignore');
    expect(changed).toContain('changes/x.md');
    // The config is still there and used; .specloop/ still ignored; the tree is clean.
    expect(readFileSync(join(dir, 'specloop.toml'), 'utf8')).toContain('# written by specloop init');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.home/\n');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(dir, 'check-ignore', '.specloop/journal.json')).toBe('.specloop/journal.json');
  });

  it("a .gitignore change of the user's own is still dirty work (exit 2)", async () => {
    const dir = project();
    writeFiles(dir, { '.gitignore': 'node_modules/\n.home/\n.specloop/*\nsecret-notes/\n' });
    const r = await run(dir, ['--next']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('M .gitignore');
  });

  it('--branch NAME works on that branch; --no-branch on the current one', async () => {
    const dir = project();
    expect((await run(dir, ['--next', '--branch', 'feature/x'])).code).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('feature/x');
    git(dir, 'switch', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'feature/x');
    expect((await run(dir, ['--next', '--no-branch'])).code).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(ticked(dir)).toEqual([1, 2]);
  });

  it('resumes on the run branch when started from elsewhere', async () => {
    const dir = project({ commitPlan: true });
    await run(dir, ['--next']);
    git(dir, 'switch', '-q', 'main');
    expect((await run(dir, ['--next'])).code).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('specloop/prompt_plan');
    expect(ticked(dir)).toEqual([1, 2]);
  });

  it('running again after a finished run was merged does nothing and creates no branch', async () => {
    const dir = project({ titles: ['Only'] });
    await run(dir);
    git(dir, 'switch', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'specloop/prompt_plan');
    const r = await run(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing to do: 1/1 steps');
    expect(git(dir, 'branch', '--format=%(refname:short)')).toBe('main\nspecloop/prompt_plan');
  });

  it('a new plan under the same file name starts from step 1, after a finished run was merged', async () => {
    const dir = project({ titles: ['Old one'] });
    await run(dir);
    git(dir, 'switch', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'specloop/prompt_plan');
    git(dir, 'rm', '-q', 'src/step1.js', 'test/step1.test.js');
    git(dir, 'commit', '-qm', 'make room for the new plan');
    writeFiles(dir, {
      'prompt_plan.md': planText(['New one', 'New two']),
      'todo.md': todoText(['New one', 'New two']),
    });
    const r = await run(dir, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).branch).toBe('specloop/prompt_plan-2');
    expect(history(dir).slice(-3)).toEqual([
      'specloop: update plan||',
      'step 1: New one|1|prompt_plan',
      'step 2: New two|2|prompt_plan',
    ]);
  });

  it('a trailer commit whose box lost its tick is ticked again, not re-run', async () => {
    const dir = project();
    await run(dir, ['--until', '2']);
    writeFiles(dir, { 'todo.md': todoText(TITLES, [1]) }); // step 2's tick lost by hand
    const r = await run(dir, ['--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps.map((s: { step: number }) => s.step)).toEqual([3]);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });

  it('--from FILE runs any prompt_plan-format file, with a generated FILE.todo.md', async () => {
    const dir = project({ commitPlan: true });
    writeFiles(dir, { 'issues/issue-prompts.md': planText(['Issue one', 'Issue two']) });
    const r = await run(dir, ['--from', 'issues/issue-prompts.md', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ planId: 'issues-issue-prompts', branch: 'specloop/issues-issue-prompts' });
    expect(ticked(dir, 'issues/issue-prompts.todo.md')).toEqual([1, 2]);
    expect(history(dir).slice(-2)).toEqual([
      'step 1: Issue one|1|issues-issue-prompts',
      'step 2: Issue two|2|issues-issue-prompts',
    ]);
    expect(ticked(dir)).toEqual([]); // the main plan is untouched
  });

  it('--dry-run prints the branch and the steps that would run and writes nothing', async () => {
    const dir = project();
    const before = head(dir);
    const r = await run(dir, ['--dry-run', '--until', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('branch: specloop/prompt_plan (would be created)');
    expect(r.stdout).toContain(
      `would run:\n  step 1: ${TITLES[0]} (test-driven)\n  step 2: ${TITLES[1]} (test-driven)\n`,
    );
    expect(head(dir)).toBe(before);
    expect(git(dir, 'status', '--porcelain')).toBe('?? prompt_plan.md\n?? todo.md');
    expect(existsSync(join(dir, '.specloop'))).toBe(false);
  });

  it('--step N refuses a step whose dependencies are not done', async () => {
    const dir = project();
    const r = await run(dir, ['--step', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('step 3 depends on step(s) 2');
  });

  it('flags that contradict each other or bad numbers are usage errors', async () => {
    const dir = project();
    expect((await run(dir, ['--next', '--step', '2'])).code).toBe(2);
    expect((await run(dir, ['--step', 'two'])).code).toBe(2);
    expect((await run(dir, ['--step', '9'])).stderr).toContain('the plan has no step 9');
    expect((await run(dir, ['--max-cost', '-1'])).code).toBe(2);
  });

  it('a hanging test command is killed after the timeout and counts as a failure', async () => {
    const dir = project({ titles: ['Only'] });
    const r = await run(dir, [
      '--test-cmd',
      'sleep 30',
      '--test-timeout',
      '1',
      '--max-attempts',
      '1',
      '--json',
      // The preflight's run of the suite times out too: start anyway, to see the step's verdict.
      '--allow-red',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the test suite is red before any step (timed out)');
    expect(JSON.parse(r.stdout).steps[0].reason).toBe('the test command timed out');
  }, 20_000);

  it('--max-cost stops before starting a step once the limit is spent (exit 1)', async () => {
    const dir = project();
    const b = tempDir('specloop-bin-');
    cleanups.push(b.cleanup);
    const r = await runCli(['run', '--executor', 'claude', '--max-cost', '0.03', '--json'], {
      cwd: dir,
      env: {
        SPECLOOP_HOME: join(dir, '.home'),
        PATH: `${installStandins(b.dir, ['claude'])}:${process.env.PATH}`,
      },
    });
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.stopped).toBe('cost-limit');
    expect(s.steps.map((x: { step: number }) => x.step)).toEqual([1, 2]); // $0.02 each: $0.04 spent ≥ $0.03
    expect(readFileSync(join(dir, 'todo.md'), 'utf8')).toContain('- [ ] Step 3');
  });

  describe('the end of a long run in a terminal', () => {
    const notifyRun = async (notify: string) => {
      const dir = project({ titles: ['Only'], toml: `\n[run]\nnotify = "${notify}"\nnotifyAfterSec = 0\n` });
      const log = join(bin, 'notify-send.log');
      // A notify-send stand-in that records its arguments, one per line.
      writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${log}'\n`);
      chmodSync(join(bin, 'notify-send'), 0o755);
      const r = await runCli(['run', '--executor', 'aider'], {
        cwd: dir,
        stderrIsTTY: true,
        env: { SPECLOOP_HOME: join(dir, '.home'), PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0' },
      });
      expect(r.code, r.stderr).toBe(0);
      return { stderr: r.stderr, sent: existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [] };
    };

    it('"auto" rings the bell and shows a desktop notification saying how it went', async () => {
      const { stderr, sent } = await notifyRun('auto');
      expect(stderr).toContain('\x07');
      expect(sent).toEqual([
        '--app-name=specloop',
        'specloop run: done',
        '1 step(s) committed on specloop/prompt_plan; 1/1 done',
        '',
      ]);
    });

    it('"bell" only rings; "off" does neither', async () => {
      const bell = await notifyRun('bell');
      expect(bell.stderr).toContain('\x07');
      expect(bell.sent).toEqual([]);
      const off = await notifyRun('off');
      expect(off.stderr).not.toContain('\x07');
      expect(off.sent).toEqual([]);
    });
  });

  it('Ctrl-C stops at a safe point (exit 130); the next run continues the step', async () => {
    const dir = project({ titles: ['Only'] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 700);
    const env = { SPECLOOP_HOME: join(dir, '.home'), PATH: `${bin}:${process.env.PATH}` };
    const r = await runCli(['run', '--executor', 'aider'], {
      cwd: dir,
      signal: ac.signal,
      env: { ...env, STANDIN_MODE: 'sleep', STANDIN_SLEEP_MS: '5000' },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    expect(history(dir).at(-1)).toBe('specloop: add plan||');
    const again = await run(dir);
    expect(again.code).toBe(0);
    expect(history(dir).at(-1)).toBe('step 1: Only|1|prompt_plan');
  });

  it('--parallel N hands the plan to the team scheduler on the prepared run branch', async () => {
    const dir = project({ deps: { 2: [], 3: [1, 2] } });
    const r = await run(dir, ['--parallel', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      mode: 'parallel',
      integrationBranch: 'specloop/prompt_plan',
      done: [1, 2, 3],
    });
    expect(git(dir, 'branch', '--show-current')).toBe('specloop/prompt_plan');
    expect(history(dir).filter((l) => l.endsWith('|prompt_plan'))).toHaveLength(3);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });
});
