import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { SPEC } from '../support/plan-cli.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';
import { initRepo, writeFiles } from '../support/repo.js';

const TEST_CMD = '[test]\ncommand = "node -e 0"\n';
const TWO_DONE = VALID_TODO.replace('- [ ] Step 1', '- [x] Step 1').replace('- [ ] Step 2', '- [x] Step 2');

describe('the project root (nearest specloop.toml, else the git root)', () => {
  const cleanups = useCleanups();
  const repo = (files: Record<string, string>) => {
    const dir = cleanups.tmp('specloop-root-');
    initRepo(dir, { 'src/deep/a.js': 'export {};\n', ...files });
    return dir;
  };
  const cli = (cwd: string, args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd, env: { SPECLOOP_HOME: join(cwd, '.home-not-used'), ...env } });

  it('status in a subdirectory reads the plan at the git root and says which root with --verbose', async () => {
    const dir = repo({ 'prompt_plan.md': VALID_PLAN, 'todo.md': TWO_DONE });
    const r = await cli(join(dir, 'src', 'deep'), ['--verbose', 'status']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2\/4 done/);
    expect(r.stderr).toContain(`project root: ${dir} (git root)`);
    // The hint follows the state: a plan half done is not "start with: specloop idea".
    expect(r.stdout).not.toContain('specloop idea');
    expect(r.stdout).toContain('continue with: specloop run (next: Step 3)');
  });

  it('the nearest specloop.toml wins over the git root', async () => {
    const dir = repo({ 'pkg/specloop.toml': '', 'pkg/todo.md': TWO_DONE, 'pkg/prompt_plan.md': VALID_PLAN });
    const r = await cli(join(dir, 'pkg'), ['-v', 'status']);
    expect(r.stderr).toContain(`project root: ${join(dir, 'pkg')} (specloop.toml)`);
    expect(r.stdout).toMatch(/2\/4 done/);
  });

  it('plan in a subdirectory reads spec.md and writes the plan and todo.md at the root', async () => {
    const dir = repo({ 'spec.md': SPEC });
    const fake = await cleanups.fakeLlm([VALID_PLAN, VALID_TODO]);
    const r = await cli(join(dir, 'src'), ['plan'], fake.env());
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'prompt_plan.md'))).toBe(true);
    expect(existsSync(join(dir, 'todo.md'))).toBe(true);
    expect(existsSync(join(dir, 'src', 'prompt_plan.md'))).toBe(false);
    expect(r.stderr).toContain('wrote ../prompt_plan.md and ../todo.md');
  });

  it('idea in a subdirectory keeps its transcript in the root .specloop/ and writes the root spec.md', async () => {
    const dir = repo({ 'src/answers.txt': 'Just me.\n' });
    const { SPEC_READY, SPEC_TEXT } = await import('../support/plan-brainstorm.js');
    const fake = await cleanups.fakeLlm(['Who will use it?', SPEC_READY, SPEC_TEXT]);
    const r = await cli(join(dir, 'src'), ['idea', 'a budget CLI', '--answers', 'answers.txt'], fake.env());
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'spec.md'))).toBe(true);
    expect(existsSync(join(dir, '.specloop', 'brainstorm'))).toBe(true);
    expect(existsSync(join(dir, 'src', '.specloop'))).toBe(false);
    expect(r.stderr).toContain('then `specloop plan`');
  });

  it('status without a spec but with a plan half done does not send the user back to idea', async () => {
    const dir = repo({ 'prompt_plan.md': VALID_PLAN, 'todo.md': TWO_DONE });
    const r = await cli(dir, ['status']);
    expect(r.stdout).toMatch(/spec\.md +missing/);
    expect(r.stdout).not.toContain('start with');
  });

  it('an explicit --plan is relative to where you stand', async () => {
    const dir = repo({ 'src/other.md': VALID_PLAN, 'todo.md': TWO_DONE });
    writeFiles(dir, {});
    const r = await cli(join(dir, 'src'), ['status', '--plan', 'other.md']);
    expect(r.stdout).toMatch(/other\.md +4 steps/);
  });

  it('run in a subdirectory uses the plan status sees (the root one), not a prompt_plan.md where you stand', async () => {
    const dir = repo({
      'specloop.toml': TEST_CMD,
      'prompt_plan.md': VALID_PLAN,
      'todo.md': TWO_DONE,
      'src/prompt_plan.md': VALID_PLAN.replace(/Step 1: [^\n]+/, 'Step 1: Not the project plan'),
      'src/todo.md': VALID_TODO,
    });
    const sub = join(dir, 'src');
    const st = await cli(sub, ['status', '--json']);
    expect(JSON.parse(st.stdout).done).toEqual([1, 2]);
    const dry = await cli(sub, ['run', '--dry-run'], { SPECLOOP_HOME: cleanups.tmp('specloop-root-home-') });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('plan: prompt_plan.md (id prompt_plan), 2/4 steps done');
    expect(dry.stdout).not.toContain('Not the project plan');
  });

  it('run with no plan at the root but one in the current directory says how to run that one', async () => {
    const dir = repo({
      'specloop.toml': TEST_CMD,
      'src/prompt_plan.md': VALID_PLAN,
      'src/todo.md': VALID_TODO,
    });
    const r = await cli(join(dir, 'src'), ['run', '--dry-run'], {
      SPECLOOP_HOME: cleanups.tmp('specloop-root-home-'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no prompt_plan.md found at the project root (${dir})`);
    expect(r.stderr).toContain('`specloop run --from prompt_plan.md`');
  });
});
