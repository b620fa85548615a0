import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { literalPattern } from '../../../src/core/run/failure-context.js';

describe('literalPattern (exact paths for pack include lists)', () => {
  const files = [
    'src/[id].ts',
    'src/a.ts',
    'src/*.ts',
    '!important.md',
    '#notes.md',
    'a.md',
    'docs/a.md',
    'q?.js',
    'qx.js',
  ];
  it.each(['src/[id].ts', 'src/*.ts', '!important.md', '#notes.md', 'a.md', 'q?.js'])(
    '%s matches only itself',
    (path) => {
      const ig = ignore().add(literalPattern(path));
      expect(files.filter((f) => ig.ignores(f))).toEqual([path]);
    },
  );
});
