import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { tempDir, writeFiles } from '../support/repo.js';

describe('specloop templates', () => {
  const cleanups = useCleanups();
  /** A project dir (with specloop.toml) and an empty SPECLOOP_HOME. */
  const setup = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const cwd = join(t.dir, 'proj');
    const home = join(t.dir, 'home');
    writeFiles(t.dir, { 'proj/specloop.toml': '', 'proj/sub/.keep': '', 'home/.keep': '' });
    const run = (argv: string[], dir = cwd) =>
      runCli(['templates', ...argv], { cwd: dir, env: { SPECLOOP_HOME: home } });
    return { cwd, home, run };
  };

  it('list shows built-in templates with source and description', async () => {
    const { run } = setup();
    const r = await run(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^summarize\s+built-in\s+Summarize/m);
    expect(r.stdout).toMatch(/^commit-message\s+built-in\s+/m);
    expect(r.stderr).toBe('');
  });

  it('list hides internal templates unless --all', async () => {
    const { run, home } = setup();
    writeFiles(home, { 'templates/step-fix.md': '---\ninternal: true\ndescription: internal one\n---\nx' });
    expect((await run(['list'])).stdout).not.toContain('step-fix');
    expect((await run(['list', '--all'])).stdout).toMatch(/^step-fix\s+global\s+internal one \(internal\)$/m);
  });

  it('list --json gives name, source, path and variables without the body', async () => {
    const { run, cwd } = setup();
    writeFiles(cwd, { '.specloop/templates/explain.md': '---\ndescription: my explain\n---\n{{input}}' });
    const r = await run(['list', '--json']);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    const explain = rows.find((t) => t.name === 'explain');
    expect(explain).toMatchObject({ source: 'project', description: 'my explain', internal: false });
    expect(explain?.path).toBe(join(cwd, '.specloop/templates/explain.md'));
    expect(explain).not.toHaveProperty('body');
  });

  it('list fails with exit 2 naming a template file with a bad front-matter key', async () => {
    const { run, cwd } = setup();
    writeFiles(cwd, { '.specloop/templates/bad.md': '---\nmodle: x\n---\nbody' });
    const r = await run(['list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(cwd, '.specloop/templates/bad.md'));
    expect(r.stderr).toContain('modle');
  });

  it('show prints the file exactly, front-matter included', async () => {
    const { run, cwd } = setup();
    const text = '---\ndescription: mine\n---\nHello {{input}}\n';
    writeFiles(cwd, { '.specloop/templates/hello.md': text });
    const r = await run(['show', 'hello']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(text);
    expect(r.stderr).toContain('project');
  });

  it('show finds project templates from a subdirectory of the project', async () => {
    const { run, cwd } = setup();
    writeFiles(cwd, { '.specloop/templates/hello.md': 'hi' });
    expect((await run(['show', 'hello'], join(cwd, 'sub'))).stdout).toBe('hi');
  });

  it('show of a built-in prints its file', async () => {
    const { run } = setup();
    const r = await run(['show', 'summarize']);
    const path = JSON.parse((await run(['path', 'summarize', '--json'])).stdout).path;
    expect(r.stdout).toBe(readFileSync(path, 'utf8'));
  });

  it('show of an unknown name exits 2 listing known templates', async () => {
    const { run } = setup();
    const r = await run(['show', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown template "nope"');
    expect(r.stderr).toMatch(/known templates: .*summarize/);
  });

  it('path lists the directories in lookup order', async () => {
    const { run, cwd, home } = setup();
    const r = await run(['path']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(join(cwd, '.specloop/templates'));
    expect(lines[1]).toBe(join(home, 'templates'));
    expect(lines[2]).toMatch(/src[/\\]templates$/);
  });

  it('path NAME prints the file that wins: project over global over built-in', async () => {
    const { run, cwd, home } = setup();
    expect((await run(['path', 'summarize'])).stdout.trim()).toMatch(/src[/\\]templates[/\\]summarize\.md$/);
    writeFiles(home, { 'templates/summarize.md': 'g' });
    expect((await run(['path', 'summarize'])).stdout.trim()).toBe(join(home, 'templates/summarize.md'));
    writeFiles(cwd, { '.specloop/templates/summarize.md': 'p' });
    expect((await run(['path', 'summarize'])).stdout.trim()).toBe(
      join(cwd, '.specloop/templates/summarize.md'),
    );
  });

  it('path of an unknown name exits 2', async () => {
    const { run } = setup();
    const r = await run(['path', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown template');
  });

  it('without a subcommand lists, like `templates list`', async () => {
    const { run } = setup();
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await run(['list'])).stdout);
  });

  it('--help lists the subcommands', async () => {
    const { run } = setup();
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const sub of ['list', 'show', 'path']) expect(r.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
  });
});
