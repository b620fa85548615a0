import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { selectFiles } from '../../../src/core/pack/select/index.js';
import { compileGlobs, expandBraces } from '../../../src/core/pack/select/patterns.js';
import { git, initRepo, tempDir, writeFiles } from '../../support/repo.js';

const dirs: (() => void)[] = [];
afterEach(() => {
  for (const c of dirs.splice(0)) c();
});
const temp = () => {
  const t = tempDir('specloop-pack-select-');
  dirs.push(t.cleanup);
  return t.dir;
};

/** A tree exercising git's rules: nested .gitignore files, negations, dir-only patterns. */
const TREE: Record<string, string> = {
  '.gitignore': '*.tmp\nbuild/\n!keep.tmp\nsecret-*\n',
  'keep.tmp': 'kept by negation\n',
  'debug.tmp': 'ignored\n',
  'src/a.ts': 'export const a = 1;\n',
  'src/.gitignore': '*.gen.ts\n!special.gen.ts\n',
  'src/x.gen.ts': 'generated\n',
  'src/special.gen.ts': 'kept\n',
  'src/deep/.gitignore': '!*.tmp\n',
  'src/deep/trace.tmp': 'un-ignored deeper\n',
  'build/out.js': 'ignored dir\n',
  'lib/build/x.js': 'build/ matches at any depth\n',
  'docs/readme.md': '# docs\n',
  'secret-notes.txt': 'ignored\n',
  'node_modules/pkg/index.js': 'default ignore\n',
  'package-lock.json': '{}\n',
  'logo.png': 'png by name\n',
  'dist/app.js': 'root dist is default-ignored\n',
  'src/dist/keep.js': 'nested dist is not\n',
};

const base = { gitignore: true, defaultIgnore: true, exclude: () => false, env: process.env };

describe('selection', () => {
  it('in a git repo is exactly git ls-files -co --exclude-standard minus default ignores', async () => {
    const dir = initRepo(temp(), { 'tracked.ts': 'x\n' });
    writeFiles(dir, TREE);
    const sel = await selectFiles({ ...base, root: dir });
    expect(sel.mode).toBe('git');
    const gitSet = git(dir, 'ls-files', '-co', '--exclude-standard').split('\n');
    const defaults = ['node_modules/pkg/index.js', 'package-lock.json', 'logo.png', 'dist/app.js'];
    expect(new Set(sel.files)).toEqual(new Set(gitSet.filter((f) => !defaults.includes(f))));
    expect(sel.files).toContain('src/deep/trace.tmp');
    expect(sel.files).toContain('keep.tmp');
    expect(sel.files).not.toContain('debug.tmp');
  });

  it('outside git walks with the same semantics as git', async () => {
    const plain = temp();
    writeFiles(plain, TREE);
    const repo = temp();
    git(repo, 'init', '-q');
    writeFiles(repo, TREE);
    const walked = await selectFiles({ ...base, root: plain });
    const listed = await selectFiles({ ...base, root: repo });
    expect(walked.mode).toBe('walk');
    expect(walked.files).toEqual(listed.files);
  });

  it('honours .git/info/exclude when walking a repo with --no-git-listing semantics', async () => {
    const repo = temp();
    git(repo, 'init', '-q');
    writeFiles(repo, { 'a.txt': 'a\n', 'local.txt': 'b\n' });
    writeFileSync(join(repo, '.git/info/exclude'), 'local.txt\n');
    const sel = await selectFiles({ ...base, root: repo });
    expect(sel.files).toEqual(['a.txt']);
  });

  it('applies .specloopignore in both modes', async () => {
    for (const gitMode of [true, false]) {
      const dir = temp();
      if (gitMode) git(dir, 'init', '-q');
      writeFiles(dir, {
        '.specloopignore': 'fixtures/\n',
        'a.ts': '1\n',
        'fixtures/big.json': '{}\n',
        'sub/.specloopignore': '*.md\n',
        'sub/x.md': '#\n',
        'sub/y.ts': '2\n',
      });
      const sel = await selectFiles({ ...base, root: dir });
      expect(sel.files.sort()).toEqual(['.specloopignore', 'a.ts', 'sub/.specloopignore', 'sub/y.ts']);
    }
  });

  it('--no-gitignore and --no-default-ignore widen the set', async () => {
    const dir = temp();
    writeFiles(dir, { '.gitignore': '*.log\n', 'a.log': '1\n', 'node_modules/x.js': '2\n', 'b.ts': '3\n' });
    const all = await selectFiles({ ...base, root: dir, gitignore: false, defaultIgnore: false });
    expect(all.files.sort()).toEqual(['.gitignore', 'a.log', 'b.ts', 'node_modules/x.js']);
  });

  it('filters with --include / --ignore globs in .gitignore syntax, braces expanded', async () => {
    const dir = temp();
    writeFiles(dir, {
      'src/a.ts': '',
      'src/b.tsx': '',
      'src/c.js': '',
      'README.md': '',
      'docs/d.md': '',
      'test/a.test.ts': '',
    });
    const sel = await selectFiles({
      ...base,
      root: dir,
      include: compileGlobs(['src/**/*.{ts,tsx}', '*.md'], '--include'),
      ignore: compileGlobs(['docs/'], '--ignore'),
    });
    expect(sel.files).toEqual(['src/a.ts', 'src/b.tsx', 'README.md']);
  });

  it('orders a directory before the files beside it, like the tree', async () => {
    const dir = temp();
    writeFiles(dir, { 'b.ts': '', 'a/z.ts': '', 'a/b/c.ts': '', 'a-b.ts': '', 'A.md': '' });
    const sel = await selectFiles({ ...base, root: dir });
    expect(sel.files).toEqual(['a/b/c.ts', 'a/z.ts', 'A.md', 'a-b.ts', 'b.ts']);
  });

  it('lists symlinks without following them, so a link loop cannot hang', async () => {
    const dir = temp();
    writeFiles(dir, { 'real/a.ts': 'x\n' });
    symlinkSync('..', join(dir, 'real/loop'));
    symlinkSync('real/a.ts', join(dir, 'link.ts'));
    const sel = await selectFiles({ ...base, root: dir });
    expect(sel.files.sort()).toEqual(['link.ts', 'real/a.ts', 'real/loop']);
  });

  it('rejects a missing directory with a UsageError', async () => {
    await expect(selectFiles({ ...base, root: join(temp(), 'nope') })).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects invalid globs, naming them', () => {
    for (const bad of ['src/[a-', '{a,b', 'a}', '']) {
      expect(() => compileGlobs([bad], '--include')).toThrow(UsageError);
    }
    expect(() => compileGlobs(['src/[a-'], '--include')).toThrow(/src\/\[a-/);
  });

  it('expands nested braces', () => {
    expect(expandBraces('a.{ts,{js,mjs}}')).toEqual(['a.ts', 'a.js', 'a.mjs']);
    expect(expandBraces('{x}')).toEqual(['{x}']);
  });

  it('does not descend into an ignored directory even to find a negated file (as git)', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'out'));
    writeFiles(dir, { '.gitignore': 'out/\n!out/keep.txt\n', 'out/keep.txt': 'k\n', 'in.txt': 'i\n' });
    expect((await selectFiles({ ...base, root: dir })).files).toEqual(['.gitignore', 'in.txt']);
  });
});

describe('default ignores', () => {
  it('the fast matcher agrees with the same rules in .gitignore syntax', async () => {
    const { default: ignore } = await import('ignore');
    const { DEFAULT_IGNORE, isDefaultIgnored } = await import(
      '../../../src/core/pack/select/default-ignore.js'
    );
    const ig = ignore().add([...DEFAULT_IGNORE]);
    const paths = [
      'node_modules/a/b.js',
      'src/node_modules/x.js',
      'dist/app.js',
      'src/dist/app.js',
      'vendor/x.go',
      'a/vendor/x.go',
      'package-lock.json',
      'sub/yarn.lock',
      'app.log',
      'logs/x.txt',
      'src/logs/x.txt',
      'x.pid',
      'a/x.pid',
      'npm-debug.log.1',
      'a/npm-debug.log',
      'img/logo.png',
      'font.woff2',
      'a.py',
      'a.pyc',
      'x.rs.bk',
      '.env',
      'cfg/.env',
      '.env.local',
      '.vuepress/dist/a.html',
      '.vuepress/config.js',
      'target/debug/x',
      'src/target/x',
      'icon.svg',
      'a.snap',
      '.git',
      'repomix-output.xml',
      'docs/repomix-output.md',
      '.specloop/state.json',
      'src/.specloop/x',
      'x.tgz',
      'a/x.tgz',
      'build/x',
      'src/build/x',
      'README.md',
      'src/index.ts',
      'Cargo.lock',
      '.eslintcache',
      'a/.eslintcache',
      '.env',
      '.env.production',
      'api/.env.local',
      '.env-staging',
      '.envrc',
      '.env.example',
      'a/.env.sample',
      '.env.template',
      'src/environment.ts',
    ];
    for (const p of paths) expect({ p, ignored: isDefaultIgnored(p) }).toEqual({ p, ignored: ig.ignores(p) });
  });
});
