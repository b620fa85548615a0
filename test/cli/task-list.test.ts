import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { FakeReply } from '../support/fake-llm-server.js';
import { writeFiles } from '../support/repo.js';
import { type TaskSandbox, taskSandbox } from '../support/tasks-fixtures.js';

const boxes: TaskSandbox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.cleanup();
});
async function sandbox(replies: FakeReply[] = [], files?: Record<string, string>) {
  const b = await taskSandbox(replies, files);
  boxes.push(b);
  return { ...b, task: (...args: string[]) => runCli(['task', ...args], { cwd: b.dir, env: b.env }) };
}

const GLOBAL =
  '[tasks.notes]\ntemplate = "summarize"\noutput = "global-notes.md"\ndescription = "global notes"\n';
const PROJECT = '[tasks.notes]\ntemplate = "summarize"\noutput = "project-notes.md"\n';

describe('specloop task list', () => {
  it('shows every task with its output and where it was defined', async () => {
    const b = await sandbox();
    const r = await b.task('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TASK\s+OUTPUT\s+DEFINED IN\s+DESCRIPTION$/m);
    expect(r.stdout).toMatch(/^github-issues\s+\.specloop\/out\/issues\.md\s+built-in\s+the top issues/m);
    expect(r.stdout).toMatch(/^readme\s+\.specloop\/out\/README\.md\s+built-in/m);
  });

  it('--json lists the definitions with their origin', async () => {
    const b = await sandbox();
    writeFiles(b.home, { 'config.toml': GLOBAL });
    const r = await b.task('list', '--json');
    const notes = JSON.parse(r.stdout).find((t: { name: string }) => t.name === 'notes');
    expect(notes).toMatchObject({ template: 'summarize', origin: join(b.home, 'config.toml') });
  });

  it('names the project file and what a redefinition overrides', async () => {
    const b = await sandbox([], {
      'specloop.toml': '[tasks.readme]\ntemplate = "readme"\nmodel = "openai:gpt-4o"\n',
    });
    const r = await b.task('list');
    expect(r.stdout).toMatch(
      /^readme\s+\.specloop\/out\/README\.md\s+specloop\.toml \(overrides built-in\)/m,
    );
  });
});

describe('task override: project specloop.toml over global config.toml', () => {
  it('the project definition wins in the list', async () => {
    const b = await sandbox([], { 'specloop.toml': PROJECT });
    writeFiles(b.home, { 'config.toml': GLOBAL });
    const r = await b.task('list', '--json');
    const notes = JSON.parse(r.stdout).find((t: { name: string }) => t.name === 'notes');
    expect(notes.origin).toBe(join(b.dir, 'specloop.toml'));
    expect(notes.output).toBe('project-notes.md');
  });

  it('running the task uses the project definition', async () => {
    const b = await sandbox(['the summary'], { 'specloop.toml': PROJECT });
    writeFiles(b.home, { 'config.toml': GLOBAL });
    const r = await b.task('notes');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(b.dir, 'project-notes.md'), 'utf8')).toBe('the summary\n');
    expect(b.fake.requests[0]!.messages.map((m) => m.content).join('\n')).toContain(
      'Summarize the text below',
    );
  });

  it('without a project definition the global one runs', async () => {
    const b = await sandbox(['global summary']);
    writeFiles(b.home, { 'config.toml': GLOBAL });
    expect((await b.task('notes')).code).toBe(0);
    expect(readFileSync(join(b.dir, 'global-notes.md'), 'utf8')).toBe('global summary\n');
  });
});
