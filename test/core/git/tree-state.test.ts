import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkoutGitDirs,
  commit,
  headFromFiles,
  readWorkTree,
  refFromFiles,
  status,
  underPaths,
  withoutPaths,
} from '../../../src/core/git/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { git, initRepo, writeFiles } from '../../support/repo.js';

const G = { env: process.env };

/**
 * The one-process reads of the git layer (porcelain v2 status, git dirs and HEAD from git's
 * own files) must say exactly what the calls they replace say: each case asks both.
 */
describe('work tree state in one git process', () => {
  const cleanups = useCleanups();

  /** A tree with every kind of entry: modified, staged, deleted, untracked, renames to and from excluded paths. */
  function busyRepo(): string {
    const dir = initRepo(cleanups.tmp('specloop-tree-'), {
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'gone.txt': 'gone\n',
      'x.md': 'a file long enough to be seen as renamed\nline two\nline three\n',
      'keep.md': 'another file long enough to be renamed\nline two\nline three\n',
      'out.md': 'leaves the excluded folder when renamed\nline two\nline three\n',
      'with space/f.txt': 'f\n',
      '.specloop/templates/t.md': 't\n',
    });
    writeFiles(dir, {
      'a.txt': 'a2\n',
      'new dir/n 1.txt': 'n\n',
      'deep/er/u.txt': 'u\n',
      '.specloop/run.json': '{}\n',
      'with space/f.txt': 'f2\n',
    });
    git(dir, 'add', 'a.txt');
    writeFiles(dir, { 'b.txt': 'b2\n', 'staged.txt': 's\n' });
    git(dir, 'add', 'staged.txt');
    rmSync(join(dir, 'gone.txt'));
    git(dir, 'mv', 'x.md', 'todo.md');
    git(dir, 'mv', 'keep.md', 'kept.md');
    git(dir, 'mv', 'out.md', '.specloop/out.md');
    return dir;
  }

  it('lists what `git status` lists, with HEAD and the branch', async () => {
    const dir = busyRepo();
    const t = await readWorkTree(dir, G);
    expect(t.head).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(t.branch).toBe('main');
    const v1 = await status(dir, G);
    expect(t.entries.map((e) => `${e.code} ${e.path}`).sort()).toEqual(
      v1.map((e) => `${e.code} ${e.path}`).sort(),
    );
    expect(t.entries.find((e) => e.path === 'kept.md')?.orig).toBe('keep.md');
  });

  it('filters as the exclude and path pathspecs of `status` do, renames across the line included', async () => {
    const dir = busyRepo();
    const { entries } = await readWorkTree(dir, G);
    const paths = (es: { path: string }[]) => es.map((e) => e.path).sort();
    for (const exclude of [['.specloop'], ['.specloop', 'todo.md'], ['with space', 'deep/er'], ['deep'], []])
      expect(paths(withoutPaths(entries, exclude))).toEqual(paths(await status(dir, { ...G, exclude })));
    for (const p of [['x.md'], ['todo.md'], ['a.txt'], ['deep'], ['nothing.md']])
      expect(underPaths(entries, p).length > 0).toBe((await status(dir, { ...G, paths: p })).length > 0);
  });

  it('knows a detached HEAD and a repository without commits', async () => {
    const dir = initRepo(cleanups.tmp('specloop-tree-'), { 'a.txt': 'a\n' });
    git(dir, 'checkout', '-q', '--detach');
    expect(await readWorkTree(dir, G)).toEqual({ head: git(dir, 'rev-parse', 'HEAD'), entries: [] });
    const empty = cleanups.tmp('specloop-tree-');
    git(empty, 'init', '-q', '-b', 'main');
    writeFiles(empty, { 'n.txt': 'n\n' });
    expect(await readWorkTree(empty, G)).toEqual({
      branch: 'main',
      entries: [{ code: '??', path: 'n.txt' }],
    });
  });
});

describe('git dirs and HEAD from git’s own files', () => {
  const cleanups = useCleanups();

  it('finds the dirs of a checkout and of a linked worktree as rev-parse does', async () => {
    const dir = initRepo(cleanups.tmp('specloop-dirs-'), { 'a.txt': 'a\n' });
    const wt = join(cleanups.tmp('specloop-dirs-wt-'), 'w');
    git(dir, 'worktree', 'add', '-q', '-b', 'side', wt);
    for (const d of [dir, wt]) {
      const dirs = await checkoutGitDirs(d, G);
      expect(dirs.gitDir).toBe(git(d, 'rev-parse', '--absolute-git-dir'));
      expect(dirs.commonDir).toBe(resolve(d, git(d, 'rev-parse', '--git-common-dir')));
      expect(dirs.commonDir).toBe(join(dir, '.git'));
      expect(await headFromFiles(dirs)).toBe(git(d, 'rev-parse', 'HEAD'));
    }
  });

  it('commit returns what HEAD points at: on a branch, detached, in a worktree, after a post-commit amend', async () => {
    const dir = initRepo(cleanups.tmp('specloop-commit-'), { 'a.txt': 'a\n' });
    const step = async (d: string, name: string) => {
      writeFiles(d, { [name]: name });
      git(d, 'add', '-A');
      const id = await commit(d, `add ${name}\n`, G);
      expect(id).toBe(git(d, 'rev-parse', 'HEAD'));
      return id;
    };
    await step(dir, 'b.txt');
    // Packed refs: the commit writes the loose ref again, and that is what is read.
    git(dir, 'pack-refs', '--all');
    await step(dir, 'c.txt');
    git(dir, 'checkout', '-q', '--detach');
    await step(dir, 'd.txt');
    git(dir, 'checkout', '-q', 'main');
    const wt = join(cleanups.tmp('specloop-commit-wt-'), 'w');
    git(dir, 'worktree', 'add', '-q', '-b', 'side', wt);
    await step(wt, 'e.txt');
    // A hook that amends: the id is the amended commit's, the one HEAD points at.
    const hook = join(dir, '.git', 'hooks', 'post-commit');
    writeFileSync(
      hook,
      '#!/bin/sh\n[ -n "$AMENDED" ] && exit 0\nAMENDED=1 git commit -q --amend -m amended --no-verify\n',
      { mode: 0o755 },
    );
    const amended = await step(dir, 'f.txt');
    expect(git(dir, 'log', '-1', '--format=%s', amended)).toBe('amended');
  });

  it('says nothing when the files do not settle it (the caller asks git)', async () => {
    const dir = initRepo(cleanups.tmp('specloop-head-'), { 'a.txt': 'a\n' });
    git(dir, 'pack-refs', '--all');
    const dirs = await checkoutGitDirs(dir, G);
    expect(await headFromFiles(dirs)).toBeUndefined();
    expect(
      await headFromFiles({ gitDir: join(dir, 'nowhere'), commonDir: join(dir, 'nowhere') }),
    ).toBeUndefined();
  });

  it('a branch ref from the files: its id when loose, null when surely absent, undefined when packed or symbolic', async () => {
    const dir = initRepo(cleanups.tmp('specloop-ref-'), { 'a.txt': 'a\n' });
    git(dir, 'branch', 'loose');
    const dirs = await checkoutGitDirs(dir, G);
    const ref = (name: string) => refFromFiles(dirs, `refs/heads/${name}`);
    expect(await ref('loose')).toBe(git(dir, 'rev-parse', 'loose'));
    expect(await ref('nothing/here')).toBeNull();
    expect(await ref('../HEAD')).toBeUndefined();
    git(dir, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/loose');
    expect(await ref('alias')).toBeUndefined();
    git(dir, 'pack-refs', '--all');
    expect(await ref('loose')).toBeUndefined(); // packed: git reads it
    expect(await ref('nothing')).toBeNull();
  });
});
