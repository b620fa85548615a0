import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../support/e2e-pipe.js';
import { binIn, expectCode } from '../support/e2e-project.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, initRepo, tempDir } from '../support/repo.js';

/**
 * The existing-codebase loop through the built binary, as a user types it in a shell:
 * `pack --stdout | ask -t summarize` as two real processes joined by a pipe, and
 * `task code-review` / `task github-issues` → `issues post --dry-run` on a real repo.
 */

const MARKER = 'export const greeting = "hello from the packed repo";';

const FILES = {
  'package.json': '{\n  "name": "demo",\n  "type": "module"\n}\n',
  'src/greet.js': `${MARKER}\n\nexport function greet(name) {\n  return \`\${greeting}, \${name}\`;\n}\n`,
  'README.md': '# demo\n',
};

const SUMMARY = 'A one-file demo package: src/greet.js builds a greeting.\nNothing else.';

const REVIEW = `# Code review

## src/greet.js:3 — minor
\`greet\` does not check its argument. Suggested fix: default \`name\` to "world".
`;

const ISSUES = `# Issues

## Issue: greet() accepts undefined
Labels: bug

Calling \`greet()\` prints "undefined". Default the name.

## Issue: Add a test suite
Labels: tests

There are no tests yet.
`;

let t: ReturnType<typeof tempDir>;
let repo: string;
let fake: FakeLlm;
let env: Record<string, string>;

beforeEach(async () => {
  t = tempDir('specloop-e2e-pipes-');
  repo = join(t.dir, 'repo');
  mkdirSync(repo);
  initRepo(repo, FILES);
  fake = await startFakeLlm();
  env = { ...fake.env(), SPECLOOP_HOME: join(t.dir, 'home') };
});

afterEach(async () => {
  await fake.close();
  t.cleanup();
});

describe('specloop pack --stdout | specloop ask -t summarize', () => {
  it("prints exactly the model's answer on stdout, both processes exiting 0", async () => {
    fake.push(SUMMARY);
    const r = await pipeline(
      [
        ['pack', '--stdout'],
        ['ask', '-t', 'summarize'],
      ],
      { cwd: repo, env },
    );
    expect(r.codes, r.stderr.join('\n---\n')).toEqual([0, 0]);
    expect(r.stdout.trimEnd()).toBe(SUMMARY);
    expect(r.stdout.length - SUMMARY.length).toBeLessThanOrEqual(1); // at most a final newline
  });

  it('sends the packed repository (file contents included) to the model, once', async () => {
    fake.push(SUMMARY);
    await pipeline(
      [
        ['pack', '--stdout'],
        ['ask', '-t', 'summarize'],
      ],
      { cwd: repo, env },
    );
    expect(fake.unexpected).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const prompt = fake.requests[0]!.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain(MARKER);
    expect(prompt).toContain('src/greet.js');
  });

  it('writes no output.txt: --stdout packs to the pipe only', async () => {
    fake.push(SUMMARY);
    await pipeline(
      [
        ['pack', '--stdout'],
        ['ask', '-t', 'summarize'],
      ],
      { cwd: repo, env },
    );
    expect(existsSync(join(repo, 'output.txt'))).toBe(false);
  });
});

describe('specloop task', () => {
  it("code-review writes .specloop/out/code-review.md with the model's review and nothing on stdout", async () => {
    fake.push(REVIEW);
    const r = expectCode(await binIn(repo, env)(['task', 'code-review']), 0, 'task code-review');
    expect(readFileSync(join(repo, '.specloop/out/code-review.md'), 'utf8').trim()).toBe(REVIEW.trim());
    expect(r.stdout).toBe('');
    expect(fake.requests[0]!.messages.map((m) => m.content).join('\n')).toContain(MARKER);
  });

  it('code-review refuses to overwrite an existing code-review.md (exit 2, no model call)', async () => {
    writeFileSync(join(repo, 'code-review.md'), 'yesterday\n');
    const r = await binIn(repo, env)(['task', 'code-review', '-o', 'code-review.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('code-review.md');
    expect(readFileSync(join(repo, 'code-review.md'), 'utf8')).toBe('yesterday\n');
    expect(fake.requests).toHaveLength(0);
  });

  it('github-issues then issues post --dry-run lists the issues without a token or network', async () => {
    fake.push(ISSUES);
    const bin = binIn(repo, env);
    expectCode(await bin(['task', 'github-issues']), 0, 'task github-issues');
    expect(readFileSync(join(repo, '.specloop/out/issues.md'), 'utf8').trim()).toBe(ISSUES.trim());
    git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/demo.git');
    const r = expectCode(
      await bin(['issues', 'post', '.specloop/out/issues.md', '--dry-run']),
      0,
      'issues post --dry-run',
    );
    expect(r.stdout).toContain('greet() accepts undefined');
    expect(r.stdout).toContain('Add a test suite');
    expect(existsSync(join(repo, '.specloop', 'posted-issues.json'))).toBe(false);
  });
});
