import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { git, initRepo, tempDir } from '../support/repo.js';

/**
 * The DESIGN exit-code contract through the built binary, one representative case per
 * command: 2 = bad usage or input (a message on stderr, nothing on stdout, nothing
 * written), 2 = no API key (naming OPENAI_API_KEY), 1 = the model endpoint is unreachable
 * after the configured retries (naming the URL).
 */

const PACKAGE = '{\n  "name": "demo",\n  "type": "module",\n  "scripts": { "test": "node --test" }\n}\n';
const PLAN = '# Demo\n\n## Step 1: One\n\nContext.\n\n```text\nCreate src/one.js with a test.\n```\n';
const TODO = '# Todo\n\n- [ ] Step 1: One\n';
/** Fast failure: one retry, 10 ms backoff (DESIGN: unreachable → retries, then exit 1). */
const FAST_LLM = '[llm]\nmaxRetries = 1\nretryBaseMs = 10\nlog = false\n\n[test]\ncommand = "node --test"\n';

let closedPort = 0;
beforeAll(async () => {
  // A loopback port nobody listens on: bind it, note it, close it.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});

// Removed after the file, not per test: the tests run concurrently.
const temps: ReturnType<typeof tempDir>[] = [];
afterAll(() => {
  for (const t of temps) t.cleanup();
});

/** A fresh git repo with `files` committed. */
function project(files: Record<string, string> = {}): string {
  const t = tempDir('specloop-e2e-exit-');
  temps.push(t);
  const dir = join(t.dir, 'repo');
  mkdirSync(dir);
  initRepo(dir, { 'package.json': PACKAGE, 'specloop.toml': FAST_LLM, ...files });
  mkdirSync(join(t.dir, 'home'));
  return dir;
}

const home = (dir: string) => join(dir, '..', 'home');
/** No provider variables at all, so nothing can reach a real provider. */
const bare = (dir: string) => ({ SPECLOOP_HOME: home(dir) });

function bin(dir: string, argv: string[], env: Record<string, string> = {}, stdin?: string) {
  return runBin(argv, { cwd: dir, env: { ...bare(dir), ...env }, stdin, timeoutMs: 30_000 });
}

describe.concurrent('bad usage or input → exit 2, a message on stderr, nothing on stdout', () => {
  const cases: [string, string[], RegExp, Record<string, string>?][] = [
    ['init (specloop.toml exists)', ['init'], /specloop\.toml already exists/],
    ['idea (--max-questions 0)', ['idea', 'x', '--max-questions', '0'], /--max-questions/],
    ['plan (no spec.md)', ['plan'], /spec\.md not found[\s\S]*specloop idea/],
    ['run (no plan)', ['run'], /prompt_plan\.md[\s\S]*specloop plan/],
    ['run (bad --step)', ['run', '--step', 'abc'], /--step/],
    ['status (unknown option)', ['status', '--bogus'], /unknown option '--bogus'/],
    ['pack (unknown --style)', ['pack', '--style', 'nope'], /nope[\s\S]*xml, markdown, plain, json/],
    ['ask (unknown template)', ['ask', '-t', 'nope', 'hi'], /unknown template "nope"[\s\S]*summarize/],
    ['task (unknown task)', ['task', 'nope'], /unknown task "nope"[\s\S]*code-review/],
    ['issues post (missing file)', ['issues', 'post', 'missing.md', '--dry-run'], /missing\.md/],
    ['templates show (unknown)', ['templates', 'show', 'nope'], /unknown template "nope"/],
    ['models (unknown option)', ['models', '--bogus'], /unknown option/],
    ['keys set (empty key on stdin)', ['keys', 'set', 'openai'], /key is empty/],
    ['logs (-n abc)', ['logs', '-n', 'abc'], /-n/],
    ['team (unknown argument)', ['team', 'bogus'], /bogus|too many arguments/],
    ['claim (no plan)', ['claim', '1'], /prompt_plan\.md/],
    ['done (no plan)', ['done', '1'], /prompt_plan\.md/],
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const dir = project();
    const before = git(dir, 'status', '--porcelain');
    const r = await bin(dir, argv);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(git(dir, 'status', '--porcelain')).toBe(before);
  });

  it('status (malformed plan) prints the problems and exits 2, so scripts can check before run', async () => {
    const dir = project({ 'prompt_plan.md': '# P\n\n## Step 2: Two\n', 'todo.md': TODO });
    const r = await bin(dir, ['status']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/prompt_plan\.md:3: expected "Step 1"/);
  });
});

describe.concurrent('no API key → exit 2 naming OPENAI_API_KEY, nothing written', () => {
  const noKey = { SPECLOOP_MODEL: 'openai:gpt-4o-mini' };

  it('ask', async () => {
    const dir = project();
    const r = await bin(dir, ['ask', '-t', 'summarize'], noKey, 'some text');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OPENAI_API_KEY[\s\S]*specloop keys set openai/);
    expect(r.stdout).toBe('');
  });

  it('task', async () => {
    const dir = project({ 'src/a.js': 'export const a = 1;\n' });
    const r = await bin(dir, ['task', 'code-review'], noKey);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(existsSync(join(dir, '.specloop/out'))).toBe(false);
  });

  it('idea', async () => {
    const dir = project();
    const r = await bin(dir, ['idea', 'a CLI that adds numbers'], noKey, 'an answer\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(existsSync(join(dir, 'spec.md'))).toBe(false);
  });

  it('plan', async () => {
    const dir = project({ 'spec.md': '# Spec\n\nAdd numbers.\n' });
    const r = await bin(dir, ['plan'], noKey);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(existsSync(join(dir, 'prompt_plan.md'))).toBe(false);
    expect(existsSync(join(dir, 'todo.md'))).toBe(false);
  });

  it('run', async () => {
    const dir = project({ 'prompt_plan.md': PLAN, 'todo.md': TODO });
    const r = await bin(dir, ['run'], noKey);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY');
  });

  // The builtin executor checks the model and key when it is created, before the run
  // prepares its branch: an exit-2 run leaves branch and history as they were.
  it('run leaves the branch and history untouched', async () => {
    const dir = project({ 'prompt_plan.md': PLAN, 'todo.md': TODO });
    const head = git(dir, 'rev-parse', 'HEAD');
    await bin(dir, ['run'], noKey);
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
  });
});

// Connection refused is infrastructure, not the step's fault (issue 12): it stops at once,
// exit 2, naming the URL — no retries, no attempts burned, nothing written.
describe.concurrent('unreachable model endpoint → stops at once, exit 2 naming the URL', () => {
  const down = () => ({
    SPECLOOP_MODEL: 'openai:gpt-4o-mini',
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
  });
  const url = () => `http://127.0.0.1:${closedPort}/v1`;

  it('ask', async () => {
    const dir = project();
    const r = await bin(dir, ['ask', '-t', 'summarize'], down(), 'some text');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url());
    expect(r.stderr).not.toMatch(/retry \d/);
    expect(r.stdout).toBe('');
  });

  it('task', async () => {
    const dir = project({ 'src/a.js': 'export const a = 1;\n' });
    const r = await bin(dir, ['task', 'code-review'], down());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url());
    expect(existsSync(join(dir, '.specloop/out'))).toBe(false);
  });

  it('idea (the transcript is kept, with the resume command)', async () => {
    const dir = project();
    const r = await bin(dir, ['idea', 'a CLI that adds numbers'], down(), 'an answer\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url());
    expect(r.stderr).toContain('specloop idea --resume');
    expect(existsSync(join(dir, 'spec.md'))).toBe(false);
  });

  it('plan', async () => {
    const dir = project({ 'spec.md': '# Spec\n\nAdd numbers.\n' });
    const r = await bin(dir, ['plan'], down());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url());
    expect(existsSync(join(dir, 'prompt_plan.md'))).toBe(false);
  });

  it('run (no attempt is used; nothing is committed)', async () => {
    const dir = project({ 'prompt_plan.md': PLAN, 'todo.md': TODO });
    const r = await bin(dir, ['run', '--max-attempts', '1'], down());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url());
    expect(git(dir, 'log', '--format=%(trailers:key=Specloop-Step,valueonly)').trim()).toBe('');
    expect(readFileSync(join(dir, 'todo.md'), 'utf8')).toBe(TODO);
  });
});
