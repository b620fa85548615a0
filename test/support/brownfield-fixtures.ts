import { initRepo } from './repo.js';

/**
 * A small real library the way many are laid out (sindresorhus-style): `index.js` at the
 * root, its whole suite in a root-level `test.js` run by `node test.js`, a README. Used by
 * the brownfield tests (`change`, `spec --from-code`, test-file detection).
 */
export const LIBRARY_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'tiny-case',
      version: '1.0.0',
      type: 'module',
      exports: './index.js',
      scripts: { test: 'node test.js' },
    },
    null,
    2,
  )}\n`,
  'index.js': [
    "import { splitWords } from './words.js';",
    '',
    '/** camelCase("foo-bar") → "fooBar" */',
    'export function camelCase(input) {',
    '  const words = splitWords(input);',
    "  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');",
    '}',
    '',
  ].join('\n'),
  'words.js': [
    '/** Split on dashes, underscores, dots and spaces. */',
    'export function splitWords(input) {',
    '  return input.split(/[-_.\\s]+/).filter(Boolean);',
    '}',
    '',
  ].join('\n'),
  'test.js': [
    "import assert from 'node:assert/strict';",
    "import { camelCase } from './index.js';",
    '',
    "assert.equal(camelCase('foo-bar'), 'fooBar');",
    "assert.equal(camelCase('foo_bar baz'), 'fooBarBaz');",
    "console.log('ok');",
    '',
  ].join('\n'),
  'readme.md': '# tiny-case\n\n`camelCase("foo-bar")` → `"fooBar"`.\n',
  '.gitignore': 'node_modules/\n.home/\n',
};

/** The library as a git repo on main with a `[test] command = "node test.js"` specloop.toml. */
export function makeLibrary(dir: string, extra: Record<string, string> = {}): string {
  return initRepo(dir, {
    ...LIBRARY_FILES,
    'specloop.toml':
      '[test]\ncommand = "node test.js"\ntimeoutSec = 60\n\n[llm]\nmaxRetries = 0\nlog = false\n',
    ...extra,
  });
}
