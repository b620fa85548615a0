import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  listTemplates,
  loadTemplate,
  templateDirs,
  templatePath,
} from '../../../src/core/templates/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { tempDir, writeFiles } from '../../support/repo.js';

describe('template lookup', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const cwd = join(t.dir, 'proj');
    const home = join(t.dir, 'home');
    writeFiles(t.dir, { 'proj/.keep': '', 'home/.keep': '' });
    return { cwd, home, projectRoot: undefined as string | undefined };
  };

  it('finds a built-in template', async () => {
    const ctx = setup();
    const t = await loadTemplate(ctx, 'summarize');
    expect(t.source).toBe('built-in');
    expect(t.variables).toContain('input');
    expect(t.body).toContain('{{input}}');
    expect(t.internal).toBe(false);
  });

  it('prefers a global template over the built-in one', async () => {
    const ctx = setup();
    writeFiles(ctx.home, { 'templates/summarize.md': 'global version' });
    const t = await loadTemplate(ctx, 'summarize');
    expect(t).toMatchObject({ source: 'global', body: 'global version' });
  });

  it('prefers a project template over global and built-in', async () => {
    const ctx = setup();
    writeFiles(ctx.home, { 'templates/summarize.md': 'global version' });
    writeFiles(ctx.cwd, { '.specloop/templates/summarize.md': 'project version' });
    const t = await loadTemplate(ctx, 'summarize');
    expect(t).toMatchObject({ source: 'project', body: 'project version' });
    expect(t.path).toBe(join(ctx.cwd, '.specloop/templates/summarize.md'));
  });

  it('looks for project templates under the project root, not a subdirectory', async () => {
    const ctx = setup();
    writeFiles(ctx.cwd, { '.specloop/templates/mine.md': 'root one', 'sub/.keep': '' });
    const t = await loadTemplate({ ...ctx, cwd: join(ctx.cwd, 'sub'), projectRoot: ctx.cwd }, 'mine');
    expect(t.source).toBe('project');
  });

  it('lists one entry per name, the winning source, sorted', async () => {
    const ctx = setup();
    writeFiles(ctx.cwd, { '.specloop/templates/explain.md': '---\ndescription: mine\n---\nx' });
    writeFiles(ctx.home, { 'templates/aaa.md': 'a', 'templates/notes.txt': 'not a template' });
    const all = await listTemplates(ctx);
    const names = all.map((t) => t.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names.filter((n) => n === 'explain')).toHaveLength(1);
    expect(all.find((t) => t.name === 'explain')).toMatchObject({ source: 'project', description: 'mine' });
    expect(all.find((t) => t.name === 'aaa')?.source).toBe('global');
    expect(names).not.toContain('notes');
  });

  it('an unknown name is a UsageError listing known, non-internal names', async () => {
    const ctx = setup();
    writeFiles(ctx.home, { 'templates/secret-step.md': '---\ninternal: true\n---\nx' });
    const err = await loadTemplate(ctx, 'nope').catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('unknown template "nope"');
    expect(err.hint).toContain('summarize');
    expect(err.hint).toContain('commit-message');
    expect(err.hint).not.toContain('secret-step');
  });

  it('rejects names that would escape the template dirs', async () => {
    const ctx = setup();
    writeFiles(ctx.cwd, { 'evil.md': 'x' });
    expect(templatePath(ctx, '../../evil')).toBeUndefined();
    await expect(loadTemplate(ctx, '../evil')).rejects.toBeInstanceOf(UsageError);
  });

  it('reports the three directories in lookup order and whether they exist', () => {
    const ctx = setup();
    const dirs = templateDirs(ctx);
    expect(dirs.map((d) => d.source)).toEqual(['project', 'global', 'built-in']);
    expect(dirs[0]).toEqual({ source: 'project', dir: join(ctx.cwd, '.specloop/templates'), exists: false });
    expect(dirs[1]?.dir).toBe(join(ctx.home, 'templates'));
    expect(dirs[2]?.exists).toBe(true);
  });
});
