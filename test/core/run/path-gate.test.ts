import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isGitSegment, pathGate } from '../../../src/core/run/path-gate.js';
import { useCleanups } from '../../support/cleanups.js';

/**
 * The contract of the one path gate every agent file access goes through:
 * accepted = relative, no `..`, no `.git` segment, and still inside the repo (not in .git)
 * after resolving symlinks of the deepest existing ancestor and of the file itself.
 */
describe('pathGate', () => {
  let root: string;
  let outside: string;
  const cleanups = useCleanups();
  beforeEach(() => {
    root = cleanups.tmp();
    outside = cleanups.tmp();
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'src/a.js'), 'x');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
  });

  const refused = (p: unknown, re: RegExp) => {
    const r = pathGate(root, p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(re);
  };

  it('accepts existing and not-yet-existing files inside the repo, normalising the path', () => {
    const r = pathGate(root, './src//a.js');
    expect(r).toMatchObject({ ok: true, rel: 'src/a.js' });
    expect(pathGate(root, 'new/dir/file.ts')).toMatchObject({ ok: true, rel: 'new/dir/file.ts' });
  });

  it('refuses empty and non-string paths and NUL bytes', () => {
    refused('', /non-empty/);
    refused(42, /non-empty string/);
    refused('src/a\0.js', /NUL/);
  });

  it('refuses absolute paths, home-relative and drive paths', () => {
    refused(join(root, 'src/a.js'), /absolute/);
    refused('/etc/passwd', /absolute/);
    refused('~/x', /absolute/);
    refused('C:\\x', /absolute/);
  });

  it('refuses any ".." segment, even one that would stay inside', () => {
    refused('../x', /\.\./);
    refused('src/../../x', /\.\./);
    refused('src/../a.js', /\.\./);
    refused('src\\..\\..\\x', /\.\./);
  });

  it('refuses .git and anything under it, at any depth', () => {
    refused('.git', /\.git/);
    refused('.git/config', /\.git/);
    refused('./.git/hooks/pre-commit', /\.git/);
    refused('vendor/lib/.git/config', /\.git/);
  });

  it('refuses the repository root itself unless listing is asked for', () => {
    refused('.', /root/);
    expect(pathGate(root, '.', { allowRoot: true })).toMatchObject({ ok: true, rel: '' });
  });

  it('refuses a symlinked file that points outside the repo', () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    refused('link.txt', /outside/);
  });

  it('refuses writing through a symlinked directory that points outside', () => {
    symlinkSync(outside, join(root, 'out'));
    refused('out/new-file.txt', /outside/);
    refused('out/secret.txt', /outside/);
  });

  it('refuses a symlink into .git', () => {
    symlinkSync(join(root, '.git'), join(root, 'g'));
    refused('g/config', /\.git/);
  });

  it('refuses a dangling symlink (writing through it would create its target anywhere)', () => {
    symlinkSync(join(outside, 'does-not-exist.txt'), join(root, 'dangling.txt'));
    refused('dangling.txt', /dangling/);
  });

  it('accepts a symlink that stays inside the repo', () => {
    symlinkSync(join(root, 'src'), join(root, 'src-link'));
    expect(pathGate(root, 'src-link/a.js')).toMatchObject({ ok: true, rel: 'src-link/a.js' });
  });

  it('works when the repo root itself is reached through a symlink', () => {
    const alias = join(outside, 'alias');
    symlinkSync(root, alias);
    expect(pathGate(alias, 'src/a.js')).toMatchObject({ ok: true, rel: 'src/a.js' });
    refused('../x', /\.\./);
  });

  it('refuses .git in any case and in the spellings other file systems treat as .git', () => {
    refused('.GIT/config', /\.git/);
    refused('.Git/hooks/pre-commit', /\.git/);
    refused('sub/.gIt', /\.git/);
    refused('.git./config', /\.git/);
    refused('.git /config', /\.git/);
    refused('GIT~1/config', /\.git/);
    refused('.g\u200cit/config', /\.git/);
    expect(isGitSegment('.gitignore')).toBe(false);
    expect(isGitSegment('.github')).toBe(false);
    expect(pathGate(root, '.github/workflows/ci.yml')).toMatchObject({ ok: true });
  });

  it("refuses a worktree's or submodule's .git file", () => {
    mkdirSync(join(root, 'vendor/sub'), { recursive: true });
    writeFileSync(join(root, 'vendor/sub/.git'), 'gitdir: ../../.git/modules/sub\n');
    refused('vendor/sub/.git', /\.git/);
  });

  it('refuses a hard link (its inode may be a file outside the repo)', () => {
    linkSync(join(outside, 'secret.txt'), join(root, 'inside.txt'));
    refused('inside.txt', /hard links/);
  });

  it('refuses a FIFO, a socket and a device', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    refused('pipe', /named pipe/);
    symlinkSync('/dev/null', join(root, 'null'));
    refused('null', /outside|device/);
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(root, 'sock'), r));
    try {
      refused('sock', /socket/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
