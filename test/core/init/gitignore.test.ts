import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureGitignore } from '../../../src/core/init/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { git, initRepo, tempDir, writeFiles } from '../../support/repo.js';

describe('ensureGitignore', () => {
  const cleanups = useCleanups();
  const dir = (files: Record<string, string> = {}) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    writeFiles(t.dir, files);
    return t.dir;
  };
  const read = (d: string) => readFileSync(join(d, '.gitignore'), 'utf8');

  it('creates .gitignore with the runtime lines', async () => {
    const d = dir();
    const r = await ensureGitignore(d);
    expect(r.added).toEqual(['.specloop/*', '!.specloop/templates/']);
    expect(read(d)).toMatch(/^# specloop.*\n\.specloop\/\*\n!\.specloop\/templates\/\n$/);
  });

  it('appends after existing content, keeping it intact', async () => {
    const d = dir({ '.gitignore': 'node_modules/\ndist' });
    await ensureGitignore(d);
    expect(read(d)).toMatch(/^node_modules\/\ndist\n\n# specloop/);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const d = dir({ '.gitignore': 'node_modules/\n' });
    await ensureGitignore(d);
    const once = read(d);
    const r = await ensureGitignore(d);
    expect(r.added).toEqual([]);
    expect(read(d)).toBe(once);
  });

  it('adds only the missing line', async () => {
    const d = dir({ '.gitignore': '.specloop/*\n' });
    expect((await ensureGitignore(d)).added).toEqual(['!.specloop/templates/']);
  });

  it('warns when the whole .specloop/ folder is ignored', async () => {
    const d = dir({ '.gitignore': '.specloop/\n' });
    expect((await ensureGitignore(d)).warning).toContain('.specloop/*');
  });

  it('makes git ignore runtime files but not project templates', async () => {
    const d = dir();
    initRepo(d);
    await ensureGitignore(d);
    writeFiles(d, { '.specloop/state.json': '{}', '.specloop/templates/mine.md': 'x' });
    const untracked = git(d, 'ls-files', '-o', '--exclude-standard');
    expect(untracked.split('\n').sort()).toEqual(['.gitignore', '.specloop/templates/mine.md']);
  });
});
