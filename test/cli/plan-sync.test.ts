import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';
import { initRepo, writeFiles } from '../support/repo.js';

/** Steps 1 and 2 done, with a ticked sub-item under Step 2. */
const TICKED = VALID_TODO.replace('- [ ] Step 1', '- [x] Step 1')
  .replace('- [ ] Step 2', '- [x] Step 2')
  .replace('  - [ ] tests for empty input', '  - [x] tests for empty input');

/** VALID_PLAN with a new step inserted before "Count words in a string" and Step 3 retitled. */
const EDITED = VALID_PLAN.replace(
  '## Step 2: Count words in a string',
  '## Step 2: Parse the options\n\n```text\nParse --help and --lines with tests.\n```\n\n## Step 3: Count words in a string',
)
  .replace('## Step 3: Read files', '## Step 4: Read files from disk or stdin')
  .replace('## Step 4: Wire the CLI', '## Step 5: Wire the CLI');

describe('specloop plan --sync', () => {
  const cleanups = useCleanups();
  const project = async (files: Record<string, string>) => {
    const dir = cleanups.tmp('specloop-sync-');
    writeFiles(dir, files);
    // A fake with no replies: any model call would be recorded as unexpected.
    const fake = await cleanups.fakeLlm([]);
    const run = (args: string[]) =>
      runCli(['plan', '--sync', ...args], {
        cwd: dir,
        env: { ...fake.env(), SPECLOOP_HOME: join(dir, '.h') },
      });
    return { dir, fake, run, todo: () => readFileSync(join(dir, 'todo.md'), 'utf8') };
  };

  it('rebuilds todo.md from an edited plan: unchanged steps keep ticks and sub-items, even renumbered', async () => {
    const p = await project({ 'prompt_plan.md': EDITED, 'todo.md': TICKED });
    const r = await p.run([]);
    expect(r.code, r.stderr).toBe(0);
    expect(p.todo()).toBe(`# Todo

- [x] Step 1: Scaffold the package
  - [ ] package.json with a test script
  - [ ] smoke test passes
- [ ] Step 2: Parse the options
- [x] Step 3: Count words in a string
  - [x] tests for empty input
- [ ] Step 4: Read files from disk or stdin
- [ ] Step 5: Wire the CLI
  - [ ] end-to-end test
`);
    expect(r.stderr).toContain('Step 2 is now Step 3 (still ticked)');
    expect(r.stderr).toContain('Step 2 is new or retitled: unticked');
    expect(r.stderr).toContain('dropped Step 3 ("Read files"): no longer in the plan');
    expect(r.stderr).toContain('wrote todo.md: 5 steps, 2 ticked');
    expect(p.fake.requests).toHaveLength(0);
  });

  it('creates a missing todo.md with one box per step', async () => {
    const p = await project({ 'prompt_plan.md': VALID_PLAN });
    const r = await p.run(['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: true, added: [1, 2, 3, 4], kept: [] });
    expect(p.todo()).toMatch(/^# Todo\n\n- \[ \] Step 1: Scaffold the package\n/);
  });

  it('--dry-run prints the new todo.md and writes nothing', async () => {
    const p = await project({ 'prompt_plan.md': EDITED, 'todo.md': TICKED });
    const r = await p.run(['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- [x] Step 3: Count words in a string');
    expect(p.todo()).toBe(TICKED);
  });

  it('an invalid plan is a usage error and todo.md is left alone', async () => {
    const p = await project({ 'prompt_plan.md': '# no steps here\n', 'todo.md': TICKED });
    const r = await p.run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prompt_plan.md is not valid');
    expect(p.todo()).toBe(TICKED);
  });

  it('an already matching todo.md is left byte for byte', async () => {
    const p = await project({ 'prompt_plan.md': VALID_PLAN, 'todo.md': TICKED });
    writeFileSync(join(p.dir, 'todo.md'), TICKED);
    const r = await p.run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('unchanged: todo.md: 4 steps, 2 ticked');
    expect(p.todo()).toBe(TICKED);
  });

  it('run after a plan edit that todo.md does not match points at plan --sync, which fixes it', async () => {
    const dir = cleanups.tmp('specloop-sync-run-');
    initRepo(dir, {
      'prompt_plan.md': EDITED,
      'todo.md': TICKED,
      'specloop.toml': '[test]\ncommand = "true"\n',
    });
    // specloop's home lives outside the repository (it records first sight of the test command).
    const env = { SPECLOOP_HOME: cleanups.tmp('specloop-sync-home-') };
    const before = await runCli(['run', '--dry-run'], { cwd: dir, env });
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('`specloop plan --sync` rebuilds todo.md');
    expect((await runCli(['plan', '--sync'], { cwd: dir, env })).code).toBe(0);
    const after = await runCli(['run', '--dry-run'], { cwd: dir, env });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('step 2: Parse the options');
  });
});
