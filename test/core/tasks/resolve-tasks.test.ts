import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load.js';
import { getTask, listTasks, taskOutput } from '../../../src/core/tasks/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { tempDir, writeFiles } from '../../support/repo.js';

const cleanups = useCleanups();

/** Global config in <tmp>/home/config.toml, project config in <tmp>/proj/specloop.toml. */
function load(files: { global?: string; project?: string }) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const home = join(t.dir, 'home');
  const proj = join(t.dir, 'proj');
  writeFiles(t.dir, {
    'home/.keep': '',
    'proj/.keep': '',
    ...(files.global ? { 'home/config.toml': files.global } : {}),
    ...(files.project ? { 'proj/specloop.toml': files.project } : {}),
  });
  return { ...loadConfig({ cwd: proj, env: {}, home }), home, proj };
}

describe('listTasks', () => {
  it('has the five built-in tasks with their output files', () => {
    const tasks = listTasks(load({}));
    expect(Object.fromEntries(tasks.map((t) => [t.name, taskOutput(t)]))).toEqual({
      'code-review': 'code-review.md',
      'github-issues': 'issues.md',
      'issue-prompts': 'issue-prompts.md',
      'missing-tests': 'missing-tests.md',
      readme: 'README.md',
    });
    expect(tasks.every((t) => t.origin === 'built-in')).toBe(true);
  });

  it('adds a task from specloop.toml, defined in that file, writing <name>.md by default', () => {
    const c = load({ project: '[tasks.explain-all]\ntemplate = "explain"\n' });
    const t = getTask(c, 'explain-all');
    expect(t.origin).toBe(join(c.proj, 'specloop.toml'));
    expect(taskOutput(t)).toBe('explain-all.md');
  });

  it('a project definition overrides a global one of the same name', () => {
    const c = load({
      global: '[tasks.notes]\ntemplate = "summarize"\noutput = "global.md"\n',
      project: '[tasks.notes]\ntemplate = "summarize"\noutput = "project.md"\n',
    });
    const t = getTask(c, 'notes');
    expect(t.origin).toBe(join(c.proj, 'specloop.toml'));
    expect(t.output).toBe('project.md');
  });

  it('a global definition applies where the project has none', () => {
    const c = load({ global: '[tasks.notes]\ntemplate = "summarize"\n', project: '[models]\n' });
    expect(getTask(c, 'notes').origin).toBe(join(c.home, 'config.toml'));
  });

  it('redefining a built-in keeps what it leaves out (output, line numbers) and says what it overrides', () => {
    const c = load({
      project:
        '[tasks.code-review]\ntemplate = "my-review"\n[tasks.code-review.pack]\ninclude = ["src/**"]\n',
    });
    const t = getTask(c, 'code-review');
    expect(t.template).toBe('my-review');
    expect(t.output).toBe('code-review.md');
    expect(t.pack).toMatchObject({ include: ['src/**'], lineNumbers: true });
    expect(t.overrides).toBe('built-in');
    expect(t.next).toBeUndefined();
  });

  it('a task pack that sets one key keeps [pack] and the built-in values for the others', () => {
    const c = load({
      project:
        '[pack]\nremoveComments = true\n[tasks.code-review]\ntemplate = "code-review"\n[tasks.code-review.pack]\nlineNumbers = false\n',
    });
    const t = getTask(c, 'code-review');
    // Explicitly set back to the default value: honoured, not mistaken for "unset".
    expect(t.pack.lineNumbers).toBe(false);
    // Not set by the task: nothing from the schema's defaults shadows [pack].
    expect(t.pack).not.toHaveProperty('removeComments');
    expect(c.config.pack.removeComments).toBe(true);
  });

  it('`-` as output means stdout', () => {
    const c = load({ project: '[tasks.peek]\ntemplate = "explain"\noutput = "-"\n' });
    expect(taskOutput(getTask(c, 'peek'))).toBeUndefined();
  });
});

describe('getTask', () => {
  it('an unknown task is a usage error listing the tasks', () => {
    const c = load({ project: '[tasks.mine]\ntemplate = "explain"\n' });
    try {
      getTask(c, 'nope');
      expect.unreachable();
    } catch (err) {
      const e = err as { exitCode: number; message: string; hint: string };
      expect(e.exitCode).toBe(2);
      expect(e.message).toBe('unknown task "nope"');
      expect(e.hint).toContain('code-review, github-issues, issue-prompts, mine, missing-tests, readme');
    }
  });
});
