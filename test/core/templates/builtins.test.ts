import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadTemplate,
  renderTemplate,
  requiredVariables,
  templateDirs,
} from '../../../src/core/templates/index.js';
import { tempDir } from '../../support/repo.js';

const builtInDir = templateDirs({ cwd: '/nonexistent', home: '/nonexistent' })[2]!.dir;
const names = readdirSync(builtInDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3));

describe('built-in templates', () => {
  const { dir, cleanup } = tempDir();
  const ctx = { cwd: join(dir, 'p'), home: join(dir, 'h') };
  afterAll(cleanup);

  it('include the general-purpose ones', () => {
    expect(names).toEqual(expect.arrayContaining(['summarize', 'explain', 'commit-message']));
  });

  it.each(names)('%s parses, has a description, and renders with all its variables', async (name) => {
    const t = await loadTemplate(ctx, name);
    expect(t.source).toBe('built-in');
    expect(t.description, `${name} needs a description`).toBeTruthy();
    const vars = Object.fromEntries(requiredVariables(t).map((v) => [v, `<${v}>`]));
    const r = renderTemplate(t, vars);
    expect(r.prompt).not.toMatch(/\{\{\s*[A-Za-z_]/);
    for (const v of Object.keys(vars)) expect(`${r.system ?? ''}${r.prompt}`).toContain(`<${v}>`);
  });

  it.each(['summarize', 'explain', 'commit-message'])('%s places stdin in the prompt', async (name) => {
    const r = renderTemplate(await loadTemplate(ctx, name), { input: 'THE-INPUT' });
    expect(r.prompt).toContain('THE-INPUT');
    expect(r.system).toBeTruthy();
  });
});
