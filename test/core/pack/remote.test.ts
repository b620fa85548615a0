import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../../../src/core/pack/index.js';
import { parseRemote } from '../../../src/core/pack/remote.js';
import { makeTestContext } from '../../support/context.js';
import { referenceTokens } from '../../support/pack-fixtures.js';
import { git, initRepo, tempDir, writeFiles } from '../../support/repo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A bare repo with two commits on main and a tag on the first; returns its path and commits. */
function bareRepo() {
  const work = tempDir('specloop-remote-src-');
  const bare = tempDir('specloop-remote-bare-');
  const home = tempDir('specloop-home-');
  const cwd = tempDir('specloop-remote-cwd-');
  cleanups.push(work.cleanup, bare.cleanup, home.cleanup, cwd.cleanup);
  initRepo(work.dir, { 'src/a.ts': 'export const v = 1;\n', 'README.md': '# remote\n' });
  git(work.dir, 'tag', 'v1');
  const first = git(work.dir, 'rev-parse', 'HEAD');
  writeFiles(work.dir, { 'src/a.ts': 'export const v = 2;\n' });
  git(work.dir, 'commit', '-qam', 'two');
  const second = git(work.dir, 'rev-parse', 'HEAD');
  const repo = join(bare.dir, 'demo.git');
  git(bare.dir, 'clone', '-q', '--bare', work.dir, repo);
  const ctx = makeTestContext({ cwd: cwd.dir, home: home.dir });
  return { repo, base: bare.dir, first, second, ctx };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`git daemon exited ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('git daemon did not start');
}

describe('pack --remote', () => {
  it('parses URLs, GitHub URLs and owner/repo@ref', () => {
    expect(parseRemote('vercel/ai@main')).toEqual({
      url: 'https://github.com/vercel/ai.git',
      ref: 'main',
      name: 'vercel/ai',
    });
    expect(parseRemote('https://github.com/a/b/tree/dev')).toEqual({
      url: 'https://github.com/a/b.git',
      ref: 'dev',
      name: 'a/b',
    });
    expect(parseRemote('git@github.com:a/b.git#v2')).toMatchObject({
      url: 'git@github.com:a/b.git',
      ref: 'v2',
      name: 'a/b',
    });
    expect(() => parseRemote('not a repo')).toThrow(/not a repository/);
  });

  it('shallow-clones a file:// remote into a cache keyed by commit, at HEAD, a tag or a commit', async () => {
    const { repo, first, second, ctx } = bareRepo();
    const url = `file://${repo}`;
    const head = await pack(ctx, { remote: url, write: false });
    expect(head.output).toContain('export const v = 2;');
    expect(head.output).toContain(`/demo@${second.slice(0, 12)}" encoding=`);
    expect(head.totals.tokens).toBe(referenceTokens(head.output));
    expect(head.files.map((f) => f.path)).toEqual(['src/a.ts', 'README.md']);
    const tag = await pack(ctx, { remote: `${url}#v1`, write: false });
    expect(tag.output).toContain('export const v = 1;');
    const cacheRoot = join(ctx.cacheDir, 'pack', 'remote');
    const [urlKey] = readdirSync(cacheRoot);
    expect(readdirSync(join(cacheRoot, urlKey!)).sort()).toEqual([first, second].sort());
    expect(git(join(cacheRoot, urlKey!, second), 'rev-list', '--count', 'HEAD')).toBe('1'); // shallow
    const again = await pack(ctx, { remote: `${url}#${second}`, write: false });
    expect(again.output).toBe(head.output);
    await expect(pack(ctx, { remote: `${url}#nope`, write: false })).rejects.toMatchObject({ exitCode: 2 });
    await expect(pack(ctx, { remote: 'file:///no/such/repo.git', write: false })).rejects.toMatchObject({
      exitCode: 1,
    });
  });

  it('fetches over git daemon on loopback', async () => {
    const { base, second, ctx } = bareRepo();
    const port = await freePort();
    const daemon = spawn(
      'git',
      [
        'daemon',
        '--reuseaddr',
        '--export-all',
        `--base-path=${base}`,
        '--listen=127.0.0.1',
        `--port=${port}`,
        base,
      ],
      { stdio: 'ignore' },
    );
    cleanups.push(() => daemon.kill('SIGTERM'));
    await waitForPort(port, daemon);
    const r = await pack(ctx, { remote: `git://127.0.0.1:${port}/demo.git`, write: false });
    expect(r.output).toContain('export const v = 2;');
    expect(r.output).toContain(`name="${port}/demo@${second.slice(0, 12)}"`);
    expect(r.totals.tokens).toBe(referenceTokens(r.output));
  });
});
