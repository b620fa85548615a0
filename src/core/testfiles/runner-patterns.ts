import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Globs (gitignore syntax) and regexes a project's test setup names, and where each came from. */
export interface RunnerPatterns {
  globs: string[];
  regexes: RegExp[];
  /** Files that contributed (`package.json scripts.test`, `vitest.config.ts` …). */
  sources: string[];
}

// ava's and node --test's default file sets, for a `scripts.test` that calls them bare.
const AVA_DEFAULTS = [
  'test.{js,mjs,cjs}',
  'src/test.{js,mjs,cjs}',
  'source/test.{js,mjs,cjs}',
  'test-*.{js,mjs,cjs}',
];
const NODE_TEST_DEFAULTS = [
  '*.test.{js,mjs,cjs}',
  '*-test.{js,mjs,cjs}',
  '*_test.{js,mjs,cjs}',
  'test.{js,mjs,cjs}',
];
const TSD_DEFAULTS = ['*.test-d.{ts,tsx}'];

const CONFIG_FILES = [
  'vitest.config.ts',
  'vitest.config.mts',
  'vitest.config.js',
  'vitest.config.mjs',
  'vite.config.ts',
  'vite.config.js',
  'jest.config.js',
  'jest.config.ts',
  'jest.config.mjs',
  'jest.config.cjs',
  '.mocharc.json',
  '.mocharc.js',
  '.mocharc.cjs',
  '.mocharc.yml',
  '.mocharc.yaml',
  'ava.config.js',
  'ava.config.mjs',
];
const PYTEST_FILES = ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini'];

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** The string literals inside `key: [ … ]` / `key = [ … ]` / `key: '…'` of a config text. */
function listValues(text: string, key: string): string[] {
  const out: string[] = [];
  const list = new RegExp(`["']?\\b${key}["']?\\s*[:=]\\s*\\[([^\\]]*)\\]`, 'g');
  for (const m of text.matchAll(list))
    for (const s of m[1]!.matchAll(/["'`]([^"'`]+)["'`]/g)) out.push(s[1]!);
  const single = new RegExp(`["']?\\b${key}["']?\\s*[:=]\\s*["'\`]([^"'\`]+)["'\`]`, 'g');
  for (const m of text.matchAll(single)) out.push(m[1]!);
  return out;
}

/** A glob from a runner config: `./test/**` → `/test/**` (anchored at the root, gitignore-style). */
function normalizeGlob(g: string): string | undefined {
  const t = g.trim().replace(/^\.\//, '/');
  if (t === '' || t.startsWith('!') || t.startsWith('<')) return undefined;
  return t;
}

/** File-ish arguments of a `scripts.test` command: `node test.js`, `mocha 'test/**\/*.js'`. */
function scriptFiles(script: string): string[] {
  return script
    .split(/\s+|&&|\|\||;/)
    .map((t) => t.replace(/^["']|["']$/g, ''))
    .filter((t) => t && !t.startsWith('-') && (/\.[cm]?[jt]sx?$/.test(t) || /[*/]/.test(t)))
    .filter((t) => !/^(\.\/)?node_modules\//.test(t) && !t.includes('='));
}

function fromPackageJson(text: string, out: RunnerPatterns): void {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return;
  }
  const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
  const script = typeof scripts.test === 'string' ? scripts.test : '';
  const deps = { ...(pkg.devDependencies as object), ...(pkg.dependencies as object) };
  const add = (globs: string[], source: string) => {
    if (globs.length === 0) return;
    out.globs.push(...globs);
    if (!out.sources.includes(source)) out.sources.push(source);
  };
  const words = new Set(script.split(/[\s;&|]+/));
  if (words.has('ava')) add(AVA_DEFAULTS, 'package.json scripts.test (ava)');
  if (words.has('tsd') || 'tsd' in deps) add(TSD_DEFAULTS, 'package.json (tsd)');
  if (/\bnode\s+(?:[^&|;]*\s)?--test\b/.test(script))
    add(NODE_TEST_DEFAULTS, 'package.json scripts.test (node --test)');
  add(
    scriptFiles(script).flatMap((g) => normalizeGlob(g) ?? []),
    'package.json scripts.test',
  );
  const ava = pkg.ava as { files?: unknown } | undefined;
  if (Array.isArray(ava?.files))
    add(
      ava.files.filter((f): f is string => typeof f === 'string').flatMap((g) => normalizeGlob(g) ?? []),
      'package.json ava.files',
    );
  const jest = pkg.jest as { testMatch?: unknown; testRegex?: unknown } | undefined;
  if (Array.isArray(jest?.testMatch))
    add(
      jest.testMatch.filter((f): f is string => typeof f === 'string').flatMap((g) => normalizeGlob(g) ?? []),
      'package.json jest.testMatch',
    );
  for (const r of [jest?.testRegex].flat())
    if (typeof r === 'string') addRegex(r, 'package.json jest.testRegex', out);
}

function addRegex(source: string, from: string, out: RunnerPatterns): void {
  try {
    out.regexes.push(new RegExp(source));
    if (!out.sources.includes(from)) out.sources.push(from);
  } catch {
    // A regex JavaScript cannot compile is the runner's business, not ours.
  }
}

/** pytest's `python_files = test_*.py check_*.py` (ini) or `python_files = ["…"]` (toml). */
function fromPytest(name: string, text: string, out: RunnerPatterns): void {
  const globs: string[] = [];
  for (const m of text.matchAll(/^\s*python_files\s*=\s*(.+)$/gm)) {
    const v = m[1]!.trim();
    if (v.startsWith('[')) globs.push(...[...v.matchAll(/["']([^"']+)["']/g)].map((s) => s[1]!));
    else globs.push(...v.split(/\s+/));
  }
  for (const m of text.matchAll(/^\s*testpaths\s*=\s*(.+)$/gm)) {
    const v = m[1]!.trim();
    const dirs = v.startsWith('[') ? [...v.matchAll(/["']([^"']+)["']/g)].map((s) => s[1]!) : v.split(/\s+/);
    globs.push(...dirs.map((d) => `/${d.replace(/^\.?\/|\/$/g, '')}/`));
  }
  if (globs.length) {
    out.globs.push(...globs);
    out.sources.push(`${name} (pytest)`);
  }
}

/** Which keys of a runner's config file list test files. */
function configKeys(name: string): string[] {
  if (name.startsWith('ava')) return ['files'];
  if (name.startsWith('.mocharc')) return ['spec'];
  if (name.startsWith('jest')) return ['testMatch'];
  return ['include'];
}

/**
 * Read what the project's own test setup says a test file is: package.json (`scripts.test`
 * arguments and runners, ava/jest settings, tsd), vitest/vite/jest/mocha/ava config files
 * (`include`, `testMatch`, `spec`, `files`), pytest's `python_files` / `testpaths`. Config
 * files are scanned for string literals, not executed: a config is code we must not run.
 */
export async function runnerPatterns(root: string): Promise<RunnerPatterns> {
  const out: RunnerPatterns = { globs: [], regexes: [], sources: [] };
  const pkg = await readText(join(root, 'package.json'));
  if (pkg !== undefined) fromPackageJson(pkg, out);
  for (const name of CONFIG_FILES) {
    const text = await readText(join(root, name));
    if (text === undefined) continue;
    const globs = configKeys(name).flatMap((k) => listValues(text, k));
    const kept = globs.flatMap((g) => normalizeGlob(g) ?? []);
    for (const r of listValues(text, 'testRegex')) addRegex(r, name, out);
    if (kept.length) {
      out.globs.push(...kept);
      out.sources.push(name);
    }
  }
  for (const name of PYTEST_FILES) {
    const text = await readText(join(root, name));
    if (text !== undefined) fromPytest(name, text, out);
  }
  return out;
}
