import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLibrary } from '../support/brownfield-fixtures.js';
import { CHANGE_TODO, changePlan, isPlanRequest, isTodoRequest } from '../support/change-fixtures.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { startFakeGithub } from '../support/fake-github.js';
import { startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';

const cleanups = useCleanups();

async function library() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const dir = makeLibrary(t.dir);
  git(dir, 'remote', 'add', 'origin', 'https://github.com/o/r.git');
  const gh = await startFakeGithub({});
  cleanups.push(() => gh.close());
  gh.addIssue('o/r', { title: 'Add pascalCase', body: 'pascalCase("foo-bar") should give "FooBar".' });
  gh.addIssue('o/r', { title: 'Document the options' });
  const env = { SPECLOOP_HOME: join(t.dir, '.home'), GITHUB_TOKEN: 'test-token', GITHUB_API_URL: gh.url };
  return { dir, gh, env };
}

describe('brownfield frictions', () => {
  it('issues pull leaves out issues a commit on this branch already fixes', async () => {
    const { dir, env } = await library();
    writeFileSync(join(dir, 'index.js'), '// pascal\n');
    git(dir, 'commit', '-qam', 'Add pascalCase\n\nFixes #1');
    const r = await runCli(['issues', 'pull'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('left out #1: fixed by commits on this branch');
    expect(r.stderr).toContain('to .specloop/out/issue-prompts.md (a draft: git ignores it)');
    const plan = await import('node:fs').then((fs) =>
      fs.readFileSync(join(dir, '.specloop/out/issue-prompts.md'), 'utf8'),
    );
    expect(plan).toContain('Document the options (#2)');
    expect(plan).not.toContain('(#1)');
  });

  it('change --issue N plans that issue and its last step closes it', async () => {
    const { dir, env } = await library();
    const fake = await startFakeLlm((req) =>
      isPlanRequest(req) ? changePlan() : isTodoRequest(req) ? CHANGE_TODO : 'x',
    );
    cleanups.push(() => fake.close());
    const r = await runCli(['change', '--issue', '1', '--no-questions', '--name', 'pascal'], {
      cwd: dir,
      env: { ...env, ...fake.env() },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests.find(isPlanRequest)!.messages.at(-1)!.content).toContain(
      'GitHub issue #1: Add pascalCase\n\npascalCase("foo-bar") should give "FooBar".',
    );
    const plan = await import('node:fs').then((fs) =>
      fs.readFileSync(join(dir, 'changes/pascal.md'), 'utf8'),
    );
    expect(plan).toMatch(/## Step 2: Document pascalCase\n\nCommit message: Fixes #1\n/);
    const missing = await runCli(['change', '--issue', '9', '--no-questions'], {
      cwd: dir,
      env: { ...env, ...fake.env() },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('issue #9 is not an open issue of o/r');
  });

  it('task readme drafts into .specloop/out, named like the existing readme.md, never beside it', async () => {
    const { dir } = await library();
    const fake = await startFakeLlm(['# tiny-case\n\nNew readme.\n', '# again\n']);
    cleanups.push(() => fake.close());
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    const r = await runCli(['task', 'readme'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote .specloop/out/readme.md (a draft: git ignores it)');
    expect(r.stderr).toContain('next: review it, then: cp .specloop/out/readme.md readme.md');
    const fs = await import('node:fs');
    expect(fs.readFileSync(join(dir, '.specloop/out/readme.md'), 'utf8')).toContain('New readme.');
    expect(fs.readFileSync(join(dir, 'readme.md'), 'utf8')).not.toContain('New readme.');
    expect(existsSync(join(dir, 'README.md'))).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const refused = await runCli(['task', 'readme'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('.specloop/out/readme.md already exists');
  });

  it('a review left at the root by an older version neither blocks a run nor reaches its branch', async () => {
    const { dir, env } = await library();
    writeFileSync(join(dir, 'code-review.md'), '# review\n');
    writeFileSync(join(dir, 'plan.md'), changePlan());
    const r = await runCli(['run', '--from', 'plan.md', '--dry-run'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('code-review.md');
  });

  it('task issue-prompts after issues post sees the posted numbers and the code review', async () => {
    const { dir } = await library();
    const posted = {
      version: 1,
      repos: { 'o/r': { h1: { number: 7, title: 'Add pascalCase', url: 'u', at: 't' } } },
    };
    await import('node:fs').then((fs) => {
      fs.mkdirSync(join(dir, '.specloop'), { recursive: true });
      fs.writeFileSync(join(dir, '.specloop/posted-issues.json'), JSON.stringify(posted));
      fs.mkdirSync(join(dir, '.specloop/out'), { recursive: true });
      fs.writeFileSync(join(dir, '.specloop/out/code-review.md'), '# Review\n\n- words.js drops digits\n');
    });
    const fake = await startFakeLlm([changePlan()]);
    cleanups.push(() => fake.close());
    const r = await runCli(['task', 'issue-prompts', '--stdout'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() },
    });
    expect(r.code, r.stderr).toBe(0);
    const prompt = fake.requests[0]!.messages.at(-1)!.content;
    expect(prompt).toContain('"number":7');
    expect(prompt).toContain('`Commit message: Fixes #N`');
    expect(prompt).toContain('<review>\n# Review\n\n- words.js drops digits\n');
  });
});
