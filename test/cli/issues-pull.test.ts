import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitLinesOf } from '../../src/core/github/index.js';
import { parsePlan } from '../../src/core/plan/index.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { startFakeGithub } from '../support/fake-github.js';
import { git, initRepo, tempDir, writeFiles } from '../support/repo.js';

const cleanups = useCleanups();

async function setup() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const dir = initRepo(t.dir);
  git(dir, 'remote', 'add', 'origin', 'https://github.com/o/r.git');
  const gh = await startFakeGithub({ perPageMax: 2 });
  cleanups.push(() => gh.close());
  gh.addIssue('o/r', {
    title: 'Crash on empty config',
    body: 'Run with an empty file:\n\n```sh\nspecloop run\n```',
    labels: ['bug'],
  });
  gh.addIssue('o/r', { title: 'Add --json to status', labels: ['feature'] });
  gh.addIssue('o/r', { title: 'A pull request', pull_request: { url: 'x' } });
  gh.addIssue('o/r', { title: 'Closed one', state: 'closed', labels: ['bug'] });
  gh.addIssue('o/r', { title: 'Typo in help', labels: ['bug', 'docs'] });
  const env = { SPECLOOP_HOME: join(t.dir, '.home'), GITHUB_TOKEN: 'test-token', GITHUB_API_URL: gh.url };
  const pull = (...args: string[]) => runCli(['issues', 'pull', ...args], { cwd: dir, env });
  return { dir, gh, pull };
}

/** Where `issues pull` writes by default: the drafts directory, which git ignores. */
const OUT = '.specloop/out/issue-prompts.md';

describe('specloop issues pull', () => {
  it('writes open issues (not pull requests) as a plan `run --from` accepts, following pagination', async () => {
    const { dir, gh, pull } = await setup();
    const r = await pull();
    expect(r.code, r.stderr).toBe(0);
    expect(gh.requests.filter((q) => q.method === 'GET').length).toBeGreaterThan(1);
    const plan = parsePlan(readFileSync(join(dir, OUT), 'utf8'), { file: OUT });
    expect(plan.steps.map((s) => s.title)).toEqual([
      'Crash on empty config (#1)',
      'Add --json to status (#2)',
      'Typo in help (#5)',
    ]);
    expect(r.stderr).toContain(`next: specloop run --from ${OUT}`);
  });

  it('ends every step prompt with the `Fixes #N` commit instruction and carries it as a commit line', async () => {
    const { dir, pull } = await setup();
    await pull();
    const plan = parsePlan(readFileSync(join(dir, OUT), 'utf8'));
    for (const step of plan.steps) {
      const n = /#(\d+)\)$/.exec(step.title)![1];
      expect(step.prompt.trimEnd().endsWith(`Fixes #${n}`)).toBe(true);
      expect(commitLinesOf(step.context)).toEqual([`Fixes #${n}`]);
    }
  });

  it('keeps an issue’s own code fence inside the prompt, and marks issues independent', async () => {
    const { dir, pull } = await setup();
    await pull();
    const [first, second] = parsePlan(readFileSync(join(dir, OUT), 'utf8')).steps;
    expect(first!.prompt).toContain('```sh\nspecloop run\n```');
    expect(second!.dependsOn).toEqual([]);
  });

  it('--label filters on GitHub’s side (the labels query)', async () => {
    const { dir, gh, pull } = await setup();
    const r = await pull('--label', 'bug,docs');
    expect(r.code, r.stderr).toBe(0);
    expect(gh.requests[0]!.query).toMatchObject({ state: 'open', labels: 'bug,docs' });
    const plan = parsePlan(readFileSync(join(dir, OUT), 'utf8'));
    expect(plan.steps.map((s) => s.title)).toEqual(['Typo in help (#5)']);
  });

  it('-o - prints the plan on stdout', async () => {
    const { pull } = await setup();
    const r = await pull('-o', '-');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Open issues from o\/r/);
    expect(r.stdout).toContain('## Step 3: Typo in help (#5)');
  });

  it('does not overwrite an existing file without --force (exit 2, no request)', async () => {
    const { dir, gh, pull } = await setup();
    writeFiles(dir, { [OUT]: 'mine\n' });
    const r = await pull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force');
    expect(gh.requests).toHaveLength(0);
    expect(readFileSync(join(dir, OUT), 'utf8')).toBe('mine\n');
    expect((await pull('--force')).code).toBe(0);
  });

  it('no matching issues: says so and writes nothing', async () => {
    const { pull } = await setup();
    const r = await pull('--label', 'nothing-has-this');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no open issues in o/r; nothing written');
  });
});
