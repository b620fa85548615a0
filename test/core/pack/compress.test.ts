import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { compressSource } from '../../../src/core/pack/compress/index.js';
import { pack } from '../../../src/core/pack/index.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { tempDir, writeFiles } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** One small file per language: [path, text, kept (must stay), gone (the body)]. */
const SAMPLES: [string, string, string[], string][] = [
  [
    'a.ts',
    "import { x } from './x';\n/** Adds one. */\nexport function inc(a: number): number {\n  const secretSauce = a + 1;\n  return secretSauce;\n}\nexport interface Shape { area(): number }\nexport class Sq implements Shape {\n  constructor(private s: number) {\n    this.s = s * 1;\n  }\n  area(): number {\n    return this.s ** 2;\n  }\n}\n",
    [
      "import { x } from './x';",
      '/** Adds one. */',
      'export function inc(a: number): number { … }',
      'export interface Shape { area(): number }',
      'area(): number { … }',
    ],
    'secretSauce',
  ],
  [
    'a.tsx',
    'export function App(p: Props) {\n  return <div>{p.secretSauce}</div>;\n}\n',
    ['export function App(p: Props) { … }'],
    'secretSauce',
  ],
  [
    'a.py',
    'import os\n\nclass A:\n    def f(self, a):\n        """Doc."""\n        secret_sauce = a\n        return secret_sauce\n',
    ['import os', 'class A:', '    def f(self, a):\n        """Doc."""\n        ...'],
    'secret_sauce',
  ],
  [
    'a.go',
    'package m\n\nimport "fmt"\n\n// F prints.\nfunc F(a int) {\n\tfmt.Println(secretSauce)\n}\n',
    ['import "fmt"', '// F prints.', 'func F(a int) { … }'],
    'secretSauce',
  ],
  [
    'a.rs',
    'use std::io;\n/// Doc.\npub fn f(a: i32) -> i32 {\n    let secret_sauce = a;\n    secret_sauce\n}\n',
    ['use std::io;', '/// Doc.', 'pub fn f(a: i32) -> i32 { … }'],
    'secret_sauce',
  ],
  [
    'A.java',
    'import java.util.List;\nclass A {\n  /** Doc. */\n  int f(int a) {\n    return secretSauce(a);\n  }\n}\n',
    ['import java.util.List;', '/** Doc. */', 'int f(int a) { … }'],
    'secretSauce',
  ],
  [
    'a.c',
    '#include <stdio.h>\n/* Doc. */\nint main(void) {\n  puts("secretSauce");\n  return 0;\n}\n',
    ['#include <stdio.h>', 'int main(void) { … }'],
    'secretSauce',
  ],
  [
    'a.cpp',
    '#include <vector>\nclass A {\n public:\n  int f(int a) {\n    return secretSauce(a);\n  }\n};\n',
    ['#include <vector>', 'int f(int a) { … }'],
    'secretSauce',
  ],
  [
    'A.cs',
    'using System;\nclass A {\n  /// <summary>Doc.</summary>\n  public int F(int a) {\n    return SecretSauce(a);\n  }\n}\n',
    ['using System;', '/// <summary>Doc.</summary>', 'public int F(int a) { … }'],
    'SecretSauce',
  ],
  [
    'a.rb',
    "require 'set'\nclass A\n  # Doc.\n  def f(a)\n    secret_sauce(a)\n  end\nend\n",
    ["require 'set'", '# Doc.', '  def f(a)\n    # …\n  end'],
    'secret_sauce',
  ],
  [
    'a.php',
    '<?php\nuse Foo\\Bar;\nclass A {\n  public function f($a) {\n    return secretSauce($a);\n  }\n}\n',
    ['use Foo\\Bar;', 'public function f($a) { … }'],
    'secretSauce',
  ],
];

describe('--compress', () => {
  it.each(SAMPLES)(
    '%s: keeps imports, signatures, shapes and doc comments; elides bodies',
    async (path, text, kept, gone) => {
      const out = await compressSource(text, path);
      for (const k of kept) expect(out).toContain(k);
      expect(out).not.toContain(gone);
    },
  );

  it('packs real npm sources much smaller, with exact token counts', async () => {
    const command = readFileSync(
      new URL('../../../node_modules/commander/lib/command.js', import.meta.url),
      'utf8',
    );
    const dir = tempDir('specloop-compress-');
    const home = tempDir('specloop-home-');
    cleanups.push(dir.cleanup, home.cleanup);
    writeFiles(dir.dir, { 'lib/command.js': command, 'notes.kt': 'fun main() {\n  println("hi")\n}\n' });
    const ctx = makeTestContext({ cwd: dir.dir, home: home.dir });
    const plain = await pack(ctx, { write: false });
    const small = await pack(ctx, { write: false, compress: true });
    expect(small.totals.tokens).toBe(referenceTokens(small.output));
    const tok = (r: typeof plain) => r.files.find((f) => f.path === 'lib/command.js')!.tokens;
    expect(tok(small)).toBeLessThan(tok(plain) * 0.6);
    expect(small.output).toContain('class Command extends EventEmitter');
    expect(small.output).toContain("const EventEmitter = require('node:events').EventEmitter;");
    expect(small.output).toContain('println("hi")'); // no Kotlin grammar: packed whole
    expect(small.notices.join('\n')).toMatch(/Compressed 1 file .*packed whole, no grammar: \.kt \(1\)/);
    const threaded = await pack(ctx, { write: false, compress: true, threads: 2, cache: false });
    expect(threaded.output).toBe(small.output);
  });

  it('[pack] compress takes globs: only matching files are compressed', async () => {
    const body = 'export function f(a: number) {\n  return a + 41;\n}\n';
    const dir = tempDir('specloop-compress-');
    const home = tempDir('specloop-home-');
    cleanups.push(dir.cleanup, home.cleanup);
    writeFiles(dir.dir, { 'src/a.ts': body, 'lib/b.ts': body });
    const ctx = makeTestContext({ cwd: dir.dir, home: home.dir, config: { pack: { compress: ['src/**'] } } });
    const r = await pack(ctx, { write: false });
    expect(r.output).toMatch(/path="src\/a\.ts"><!\[CDATA\[\nexport function f\(a: number\) \{ … \}/);
    expect(r.output).toMatch(
      /path="lib\/b\.ts"><!\[CDATA\[\nexport function f\(a: number\) \{\n {2}return a \+ 41;/,
    );
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
    await expect(pack(ctx, { write: false, compress: ['src/[x'] })).rejects.toMatchObject({ exitCode: 2 });
  });
});
