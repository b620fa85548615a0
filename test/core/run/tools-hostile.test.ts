import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepPolicy } from '../../../src/core/integrity/index.js';
import { executeTool, type ToolSession } from '../../../src/core/run/executors/builtin/tools.js';
import { tempDir, writeFiles } from '../../support/repo.js';

/** Tool calls a hostile model sends: each must come back as an error result, nothing changed. */
describe('builtin tools against a hostile model', () => {
  let s: ToolSession;
  let cleanup: () => void;
  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFiles(t.dir, {
      'todo.md': '- [ ] Step 1\n',
      'prompt_plan.md': '# plan\n',
      'spec.md': '# spec\n',
      'specloop.toml': '[test]\ncommand = "npm test"\n',
      'sub/specloop.toml': '',
      '.specloop/templates/agent-system.md': 'x',
      '.gitignore': 'node_modules\n',
      'src/a.js': '1',
    });
    s = { root: t.dir, seen: new Set(), runTests: async () => ({ ok: true, output: '' }) };
  });
  afterEach(() => cleanup());
  const file = (p: string) => readFileSync(join(s.root, p), 'utf8');

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'a tool named %s is an unknown tool, not a crash',
    async (name) => {
      expect(await executeTool(s, name, {})).toMatchObject({
        isError: true,
        invalid: true,
        output: expect.stringMatching(/unknown tool/),
      });
    },
  );

  it.each([
    ['todo.md', /specloop ticks the checklist/],
    ['TODO.md', /run files/],
    ['prompt_plan.md', /run files/],
    ['spec.md', /run files/],
    ['specloop.toml', /configuration/],
    ['sub/specloop.toml', /configuration/],
    ['.specloop/templates/agent-system.md', /specloop's own state/],
  ])('write_file and edit_file refuse %s with a reason', async (path, re) => {
    const before = existsSync(join(s.root, path)) ? file(path) : undefined;
    const w = await executeTool(s, 'write_file', { path, content: 'hacked' });
    expect(w).toMatchObject({ isError: true, output: expect.stringMatching(re) });
    await executeTool(s, 'read_file', { path });
    const e = await executeTool(s, 'edit_file', {
      path,
      old_string: 'x',
      new_string: 'y',
      replace_all: true,
    });
    expect(e.isError).toBe(true);
    if (before !== undefined) expect(file(path)).toBe(before);
  });

  it('the spec may change when the policy allows it for the step', async () => {
    s.policy = stepPolicy({ allowSpec: true });
    expect((await executeTool(s, 'write_file', { path: 'spec.md', content: 'new' })).isError).toBeUndefined();
    expect(file('spec.md')).toBe('new');
  });

  it('a .gitignore edit may not hide files the attempt wrote; other ignore lines are fine', async () => {
    await executeTool(s, 'write_file', { path: 'src/feature.js', content: 'code' });
    const hide = await executeTool(s, 'write_file', {
      path: '.gitignore',
      content: 'node_modules\nsrc/feature.js\n',
    });
    expect(hide).toMatchObject({
      isError: true,
      output: expect.stringMatching(/hide files you wrote \(src\/feature\.js\)/),
    });
    expect(file('.gitignore')).toBe('node_modules\n');
    const ok = await executeTool(s, 'write_file', { path: '.gitignore', content: 'node_modules\n*.log\n' });
    expect(ok.isError).toBeUndefined();
  });

  it('read_file of a FIFO returns an error at once instead of hanging', async () => {
    execFileSync('mkfifo', [join(s.root, 'pipe')]);
    const t0 = Date.now();
    const r = await executeTool(s, 'read_file', { path: 'pipe' });
    expect(r).toMatchObject({ isError: true, output: expect.stringMatching(/named pipe/) });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('an abort ends a tool call that is still running with an error result', async () => {
    const ac = new AbortController();
    s.signal = ac.signal;
    s.runTests = () => new Promise(() => {}); // never settles
    setTimeout(() => ac.abort(), 50);
    expect(await executeTool(s, 'run_tests', {})).toMatchObject({ isError: true, output: 'interrupted' });
  });

  it('reads of the run files stay allowed (the model may look at the plan)', async () => {
    writeFileSync(join(s.root, 'todo.md'), '- [ ] Step 1\n');
    expect((await executeTool(s, 'read_file', { path: 'todo.md' })).output).toBe('- [ ] Step 1\n');
  });
});
