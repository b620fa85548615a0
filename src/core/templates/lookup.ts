import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../util/paths.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { parseTemplateText } from './front-matter.js';
import type { Template, TemplateDir, TemplateSource } from './types.js';

const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The template directories in lookup order (project > global > built-in), existing or not. */
export function templateDirs(ctx: Pick<Context, 'cwd' | 'home' | 'projectRoot'>): TemplateDir[] {
  const dirs: Array<[TemplateSource, string]> = [
    ['project', join(ctx.projectRoot ?? ctx.cwd, '.specloop', 'templates')],
    ['global', join(ctx.home, 'templates')],
    ['built-in', join(packageRoot(), 'src', 'templates')],
  ];
  return dirs.map(([source, dir]) => ({ source, dir, exists: existsSync(dir) }));
}

async function readTemplate(name: string, source: TemplateSource, path: string): Promise<Template> {
  const { meta, body } = parseTemplateText(await readFile(path, 'utf8'), path);
  return { name, source, path, ...meta, body };
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.md'))
      .map((e) => e.name.slice(0, -3))
      .filter((n) => TEMPLATE_NAME.test(n));
  } catch {
    return [];
  }
}

/**
 * Every template, one per name (the highest-precedence file wins), sorted by name.
 * Internal templates are included; callers filter on `internal`.
 */
export async function listTemplates(ctx: Pick<Context, 'cwd' | 'home' | 'projectRoot'>): Promise<Template[]> {
  const found = new Map<string, Template>();
  for (const { source, dir } of templateDirs(ctx)) {
    for (const name of await namesIn(dir)) {
      if (!found.has(name)) found.set(name, await readTemplate(name, source, join(dir, `${name}.md`)));
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The file a template name resolves to (project > global > built-in), or undefined. */
export function templatePath(
  ctx: Pick<Context, 'cwd' | 'home' | 'projectRoot'>,
  name: string,
): { source: TemplateSource; path: string } | undefined {
  if (!TEMPLATE_NAME.test(name)) return undefined;
  for (const { source, dir } of templateDirs(ctx)) {
    const path = join(dir, `${name}.md`);
    if (existsSync(path)) return { source, path };
  }
  return undefined;
}

/** Load one template by name; an unknown name is a UsageError listing the known ones. */
export async function loadTemplate(
  ctx: Pick<Context, 'cwd' | 'home' | 'projectRoot'>,
  name: string,
): Promise<Template> {
  const hit = templatePath(ctx, name);
  if (hit) return readTemplate(name, hit.source, hit.path);
  const known = new Set<string>();
  for (const { dir } of templateDirs(ctx)) for (const n of await namesIn(dir)) known.add(n);
  // Internal names are listed only if the user could not have meant a public one.
  const publicNames: string[] = [];
  for (const n of [...known].sort()) {
    const t = templatePath(ctx, n);
    if (!t) continue;
    try {
      if (!(await readTemplate(n, t.source, t.path)).internal) publicNames.push(n);
    } catch {
      publicNames.push(n); // a broken file still shows up, so the user can find it
    }
  }
  throw new UsageError(`unknown template "${name}"`, {
    code: 'E_UNKNOWN_TEMPLATE',
    hint: publicNames.length
      ? `known templates: ${publicNames.join(', ')} (see \`specloop templates list\`)`
      : 'no templates found; see `specloop templates path`',
  });
}
