import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';
import { git, initRepo, tempDir, writeFiles } from '../support/repo.js';

describe('specloop status', () => {
  const cleanups = useCleanups();
  const status = async (files: Record<string, string>, args: string[] = []) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFiles(t.dir, files);
    return runCli(['status', ...args], { cwd: t.dir, env: { SPECLOOP_HOME: t.dir } });
  };

  it('an empty directory: everything missing, suggests `specloop idea`, exit 0', async () => {
    const r = await status({});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spec\.md +missing/);
    expect(r.stdout).toMatch(/prompt_plan\.md +missing/);
    expect(r.stdout).toContain('specloop idea');
  });

  it('spec only: suggests `specloop plan`, and `specloop change` for one task (after spec --from-code)', async () => {
    const r = await status({ 'spec.md': '# spec\n' });
    expect(r.stdout).toMatch(/spec\.md +present/);
    expect(r.stdout).toContain('then: specloop plan');
    expect(r.stdout).toContain('specloop change "what to change"');
  });

  it('shows steps done/total, the next step and the ready steps of the DAG', async () => {
    const todo = VALID_TODO.replace('- [ ] Step 1:', '- [x] Step 1:');
    const r = await status({ 'spec.md': 's', 'prompt_plan.md': VALID_PLAN, 'todo.md': todo });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/prompt_plan\.md +4 steps/);
    expect(r.stdout).toMatch(/todo\.md +1\/4 done/);
    expect(r.stdout).toContain('next:    Step 2: Count words in a string');
    expect(r.stdout).toContain('ready:   Step 2, Step 3 (can run in parallel)');
    expect(r.stdout).toContain('blocked: Step 4 (waits on 2, 3)');
  });

  it('--json gives the same as data', async () => {
    const todo = VALID_TODO.replace('- [ ] Step 1:', '- [x] Step 1:');
    const r = await status({ 'spec.md': 's', 'prompt_plan.md': VALID_PLAN, 'todo.md': todo }, ['--json']);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      spec: { path: 'spec.md', exists: true },
      plan: { exists: true, valid: true, steps: 4 },
      todo: { exists: true, items: 4 },
      done: [1],
      total: 4,
      next: { number: 2, title: 'Count words in a string' },
      ready: [2, 3],
      mismatches: [],
      complete: false,
    });
  });

  it('all steps ticked: says so', async () => {
    const todo = VALID_TODO.replace(/- \[ \] Step/g, '- [x] Step');
    const r = await status({ 'spec.md': 's', 'prompt_plan.md': VALID_PLAN, 'todo.md': todo });
    expect(r.stdout).toContain('all 4 steps are done');
    expect(r.stdout).not.toContain('next:');
  });

  it('a hand-edited todo.md that disagrees with the plan: clear report, exit 2', async () => {
    const todo = VALID_TODO.replace('- [ ] Step 3: Read files\n', '');
    const r = await status({ 'spec.md': 's', 'prompt_plan.md': VALID_PLAN, 'todo.md': todo });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('prompt_plan.md and todo.md disagree:');
    expect(r.stdout).toContain('todo.md has no item for Step 3 ("Read files")');
  });

  it('a malformed plan: problems with line numbers, exit 2', async () => {
    const plan = VALID_PLAN.replace('Depends on: 2, 3', 'Depends on: 2, 9');
    const r = await status({ 'spec.md': 's', 'prompt_plan.md': plan, 'todo.md': VALID_TODO });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('prompt_plan.md:29: Step 4 depends on Step 9, which does not exist');
  });

  it('a dependency cycle is named', async () => {
    const plan = VALID_PLAN.replace(
      '## Step 2: Count words in a string\n\nDepends on: 1',
      '## Step 2: Count words in a string\n\nDepends on: 4',
    );
    const r = await status({ 'prompt_plan.md': plan }, ['--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).plan.problems[0]).toContain('dependency cycle: Step 2 → Step 4 → Step 2');
  });

  it("shows what landed in git; a reverted step is not landed (the run core's one definition)", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    initRepo(t.dir, { 'spec.md': 's', 'prompt_plan.md': VALID_PLAN, 'todo.md': VALID_TODO });
    writeFiles(t.dir, { 'a.txt': 'a', 'todo.md': VALID_TODO.replace('- [ ] Step 1:', '- [x] Step 1:') });
    git(t.dir, 'add', '-A');
    git(t.dir, 'commit', '-q', '-m', 'step 1: x\n\nSpecloop-Step: 1\nSpecloop-Plan: prompt_plan');
    const sha = git(t.dir, 'rev-parse', 'HEAD');
    const cli = (args: string[]) =>
      runCli(['status', ...args], { cwd: t.dir, env: { SPECLOOP_HOME: t.dir } });
    expect((await cli([])).stdout).toContain(`landed:  Step 1 (${sha.slice(0, 7)})`);
    expect(JSON.parse((await cli(['--json'])).stdout).landed).toMatchObject([{ step: 1, commit: sha }]);
    git(t.dir, 'revert', '--no-edit', sha);
    const after = JSON.parse((await cli(['--json'])).stdout);
    expect(after.landed).toEqual([]);
    expect(after.done).toEqual([]);
  });
});
