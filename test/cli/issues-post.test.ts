import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { type FakeGithub, rateLimitFault, startFakeGithub } from '../support/fake-github.js';
import { git, initRepo, tempDir, writeFiles } from '../support/repo.js';

const ISSUES = `# Issues

## Issue: Loader hides TOML errors
Labels: bug, config

The loader in \`src/load.ts:12\` swallows parse errors.

## Issue: Split the router
Labels: design

The router mixes parsing and policy.

## Issue: Document the env vars
Labels: docs

README does not list SPECLOOP_HOME.
`;

const cleanups = useCleanups();

async function setup(opts: { issues?: string; origin?: string | null } = {}) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const dir = join(t.dir, 'repo');
  const home = join(t.dir, 'home');
  writeFiles(t.dir, { 'repo/.keep': '', 'home/.keep': '' });
  initRepo(dir, { 'issues.md': opts.issues ?? ISSUES });
  if (opts.origin !== null) git(dir, 'remote', 'add', 'origin', opts.origin ?? 'git@github.com:o/r.git');
  const gh = await startFakeGithub();
  cleanups.push(() => gh.close());
  const env = {
    SPECLOOP_HOME: home,
    GITHUB_TOKEN: 'test-token',
    GITHUB_API_URL: gh.url,
    SPECLOOP_GITHUB_WRITE_INTERVAL_MS: '0',
  };
  const post = (...args: string[]) => runCli(['issues', 'post', 'issues.md', ...args], { cwd: dir, env });
  return { dir, home, gh, env, post };
}

const titles = (gh: FakeGithub) => gh.repos.get('o/r')!.map((i) => i.title);

describe('specloop issues post', () => {
  it('sends exactly the REST requests GitHub expects: list open issues, then one POST per issue', async () => {
    const { gh, post } = await setup();
    const r = await post('--yes');
    expect(r.code, r.stderr).toBe(0);
    const [list, ...creates] = gh.requests;
    expect(list).toMatchObject({
      method: 'GET',
      path: '/repos/o/r/issues',
      query: { state: 'open', per_page: '100' },
    });
    expect(creates.map((c) => [c.method, c.path])).toEqual(Array(3).fill(['POST', '/repos/o/r/issues']));
    expect(creates[0]!.body).toEqual({
      title: 'Loader hides TOML errors',
      body: 'The loader in `src/load.ts:12` swallows parse errors.',
      labels: ['bug', 'config'],
    });
    for (const req of gh.requests) {
      expect(req.headers.authorization).toBe('token test-token');
      expect(req.headers.accept).toBe('application/vnd.github.v3+json');
      expect(String(req.headers['user-agent'])).toMatch(/^specloop\//);
    }
  });

  it('prints each created issue with its number and URL on stdout', async () => {
    const { post } = await setup();
    const r = await post('--yes');
    expect(r.stdout).toMatch(
      /created\s+#1\s+Loader hides TOML errors\s+https:\/\/github\.example\/o\/r\/issues\/1/,
    );
    expect(r.stderr).toContain('o/r: 3 created');
  });

  it('adds --label and [github] labels to every issue', async () => {
    const { dir, gh, post } = await setup();
    writeFiles(dir, { 'specloop.toml': '[github]\nlabels = ["from-review"]\n' });
    await post('--yes', '--label', 'triage');
    expect((gh.creates()[1]!.body as { labels: string[] }).labels).toEqual([
      'design',
      'from-review',
      'triage',
    ]);
  });

  it('creates nothing on a re-run of the same file, and records what it posted', async () => {
    const { dir, gh, post } = await setup();
    await post('--yes');
    const again = await post('--yes');
    expect(again.code).toBe(0);
    expect(gh.creates()).toHaveLength(3);
    expect(again.stdout).toMatch(/already posted\s+#2\s+Split the router/);
    const state = JSON.parse(readFileSync(join(dir, '.specloop/posted-issues.json'), 'utf8'));
    expect(Object.values(state.repos['o/r']).map((r) => (r as { number: number }).number)).toEqual([1, 2, 3]);
  });

  it('skips an issue already open on GitHub with the same title (no state file needed)', async () => {
    const { gh, post } = await setup();
    gh.addIssue('o/r', { title: 'split the router', number: 77 });
    const r = await post('--yes');
    expect(r.code).toBe(0);
    expect(gh.creates().map((c) => (c.body as { title: string }).title)).not.toContain('Split the router');
    expect(r.stdout).toMatch(/already open\s+#77\s+Split the router/);
  });

  it('waits out a 403 rate limit until x-ratelimit-reset, then succeeds', async () => {
    const { gh, post } = await setup();
    gh.fault(rateLimitFault('POST'));
    const started = Date.now();
    const r = await post('--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rate limit reached; waiting \d+ s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(gh.creates()).toHaveLength(4); // the refused one, then all three
    expect(titles(gh)).toHaveLength(3);
  });

  it('waits out a secondary rate limit (retry-after) on the issue list', async () => {
    const { gh, post } = await setup();
    gh.fault({
      method: 'GET',
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const r = await post('--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('secondary rate limit');
    expect(titles(gh)).toHaveLength(3);
  });

  it('reports exactly which issues were not created, exits 1, and a re-run finishes the rest', async () => {
    const { gh, post } = await setup();
    gh.fault({ method: 'POST', status: 500, body: { message: 'Server Error' }, times: 1 });
    const first = await post('--yes');
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/FAILED\s+-\s+Loader hides TOML errors\s+\(Server Error\)/);
    expect(first.stdout).toMatch(/created\s+#1\s+Split the router/);
    expect(first.stderr).toContain('1 issue(s) were not created; run the same command again');
    const second = await post('--yes');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/created\s+#3\s+Loader hides TOML errors/);
    expect(titles(gh)).toEqual(['Split the router', 'Document the env vars', 'Loader hides TOML errors']);
  });

  it('--dry-run prints the issues without any network request or token', async () => {
    const { gh, dir, home } = await setup({ origin: null });
    const r = await runCli(['issues', 'post', 'issues.md', '--dry-run'], {
      cwd: dir,
      env: { SPECLOOP_HOME: home },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1. [would post] Loader hides TOML errors');
    expect(r.stdout).toContain('labels: bug, config');
    expect(r.stdout).toContain('3. [would post] Document the env vars');
    expect(gh.requests).toHaveLength(0);
    expect(existsSync(join(dir, '.specloop'))).toBe(false);
  });

  it('refuses to post without --yes when not on a terminal (exit 2, nothing created)', async () => {
    const { gh, post } = await setup();
    const r = await post();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes');
    expect(gh.creates()).toHaveLength(0);
  });
});

describe('specloop issues post — bad input', () => {
  it('a file that does not parse exits 2 showing the first bad line', async () => {
    const { post, gh } = await setup({ issues: '## Issue: Fine\nok\n\n## Issue:\nno title\n' });
    const r = await post('--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('issues.md:4: issue heading has no title');
    expect(r.stderr).toContain('4 | ## Issue:');
    expect(gh.requests).toHaveLength(0);
  });

  it('no token and no gh exits 2 naming GITHUB_TOKEN and gh auth login', async () => {
    const { dir, home } = await setup();
    // No git on PATH either, so the repository comes from --repo.
    const r = await runCli(['issues', 'post', 'issues.md', '--yes', '--repo', 'o/r'], {
      cwd: dir,
      env: { SPECLOOP_HOME: home, PATH: join(home, 'empty-bin') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GITHUB_TOKEN');
    expect(r.stderr).toContain('gh auth login');
  });

  it('falls back to `gh auth token` when GITHUB_TOKEN is unset', async () => {
    const { dir, home, gh } = await setup();
    const bin = join(home, 'bin');
    writeFiles(bin, { gh: '#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo test-token\n' });
    chmodSync(join(bin, 'gh'), 0o755);
    const r = await runCli(['issues', 'post', 'issues.md', '--yes'], {
      cwd: dir,
      env: {
        SPECLOOP_HOME: home,
        GITHUB_API_URL: gh.url,
        SPECLOOP_GITHUB_WRITE_INTERVAL_MS: '0',
        PATH: `${bin}:${process.env.PATH}`,
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(gh.creates()[0]!.headers.authorization).toBe('token test-token');
  });

  it('a repository that does not exist exits 2 with GitHub’s message', async () => {
    const { post } = await setup({ origin: 'https://github.com/o/missing.git' });
    const r = await post('--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('repository o/missing not found');
    expect(r.stderr).toContain('Not Found');
  });

  it('a bad token exits 2 with GitHub’s message', async () => {
    const { dir, env } = await setup();
    const r = await runCli(['issues', 'post', 'issues.md', '--yes'], {
      cwd: dir,
      env: { ...env, GITHUB_TOKEN: 'nope' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GitHub rejected the token: Bad credentials');
  });

  it('a token without rights to create issues exits 2 with GitHub’s message', async () => {
    const { gh, post } = await setup();
    gh.fault({
      method: 'POST',
      status: 403,
      body: { message: 'Resource not accessible by personal access token' },
    });
    const r = await post('--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Resource not accessible by personal access token');
    expect(titles(gh)).toHaveLength(0);
  });

  it('--repo must be owner/name', async () => {
    const { post } = await setup();
    const r = await post('--yes', '--repo', 'nonsense');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a GitHub repository');
  });
});
