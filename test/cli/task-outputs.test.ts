import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANGE_TODO,
  changePlan,
  isPlanRequest,
  isTodoRequest,
  libraryAgent,
  libraryProject,
} from '../support/change-fixtures.js';
import type { FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { git } from '../support/repo.js';

/**
 * specloop's generated drafts (reviews, issue lists, issue prompts, README drafts) are not
 * part of any change: by default they go to `.specloop/out/`, which ignores itself, and a
 * run never commits them — not with `--yes`, not in a step — wherever they lie.
 */

const REVIEW = '# Code review\n\n- words.js drops digits\n';
const ISSUES = '## Issue: words.js drops digits\nLabels: bug\n\nsplitWords("a2b") loses the 2.\n';

/** Task requests (no tools) get the review or the issues; plans, todos and agent turns as in change-fixtures. */
function handler(req: FakeRequest): FakeReplyValue {
  if (isPlanRequest(req)) return changePlan();
  if (isTodoRequest(req)) return CHANGE_TODO;
  if (req.tools.length === 0) return /GitHub/.test(req.messages[0]?.content ?? '') ? ISSUES : REVIEW;
  return libraryAgent(req);
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('generated task outputs stay out of the work tree’s commits', () => {
  it('task writes drafts to .specloop/out (self-ignoring), says so, and the next task reads them from there', async () => {
    const p = await libraryProject(handler);
    cleanup = p.cleanup;
    const review = await p.run(['task', 'code-review', '--yes']);
    expect(review.code, review.stderr).toBe(0);
    expect(review.stderr).toContain(
      'code-review: wrote .specloop/out/code-review.md (a draft: git ignores it)',
    );
    expect(p.read('.specloop/out/code-review.md')).toBe(REVIEW);
    expect(p.read('.specloop/out/.gitignore')).toBe('*\n');
    expect(existsSync(join(p.dir, 'code-review.md'))).toBe(false);
    // The library's .gitignore knows nothing of .specloop/: the directory hides itself.
    expect(git(p.dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    const issues = await p.run(['task', 'github-issues', '--yes']);
    expect(issues.code, issues.stderr).toBe(0);
    expect(issues.stderr).toContain(
      'next: review .specloop/out/issues.md, then: specloop issues post .specloop/out/issues.md --dry-run',
    );
    // The review written before is the issues task's lead, read from the drafts directory.
    expect(p.fake.requests.at(-1)!.messages.at(-1)!.content).toContain('- words.js drops digits');

    // An explicit -o still writes where asked.
    const mine = await p.run(['task', 'code-review', '--yes', '-o', 'docs/review.md']);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stderr).toContain('wrote docs/review.md (');
    expect(mine.stderr).not.toContain('draft');
    expect(p.read('docs/review.md')).toBe(REVIEW);
  });

  it('run --yes commits the user’s own change, never a draft or a review left at the root', async () => {
    const p = await libraryProject(handler);
    cleanup = p.cleanup;
    expect((await p.run(['task', 'code-review', '--yes'])).code).toBe(0);
    // What older versions (or `-o`) left at the root, and the user's own unfinished edit.
    writeFileSync(join(p.dir, 'code-review.md'), REVIEW);
    writeFileSync(join(p.dir, 'issues.md'), ISSUES);
    writeFileSync(join(p.dir, 'notes.txt'), 'my own notes\n');
    mkdirSync(join(p.dir, 'changes'));
    writeFileSync(join(p.dir, 'changes/pascal.md'), changePlan());
    writeFileSync(join(p.dir, 'changes/pascal.todo.md'), CHANGE_TODO);

    const r = await p.run(['run', '--from', 'changes/pascal.md', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('kept code-review.md, issues.md out of the run branch');
    const touched = git(p.dir, 'log', '--format=', '--name-only', 'main..HEAD').split('\n').filter(Boolean);
    expect([...new Set(touched)].sort()).toEqual([
      'changes/pascal.md',
      'changes/pascal.todo.md',
      'index.js',
      'notes.txt',
      'readme.md',
      'test.js',
    ]);
    // The drafts are still there for the user, and still not in `git status`.
    expect(readFileSync(join(p.dir, 'code-review.md'), 'utf8')).toBe(REVIEW);
    expect(p.read('.specloop/out/code-review.md')).toBe(REVIEW);
    expect(git(p.dir, 'status', '--porcelain')).toBe('');
  });

  it('run --from a plan drafted in .specloop/out lands its steps; the branch holds the change only', async () => {
    const p = await libraryProject(handler);
    cleanup = p.cleanup;
    mkdirSync(join(p.dir, '.specloop/out'), { recursive: true });
    writeFileSync(join(p.dir, '.specloop/out/issue-prompts.md'), changePlan());
    const r = await p.run(['run', '--from', '.specloop/out/issue-prompts.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(git(p.dir, 'log', '--format=%(trailers:key=Specloop-Step,valueonly)', 'main..HEAD')).toMatch(
      /2\n+1/,
    );
    const touched = git(p.dir, 'diff', '--name-only', 'main...HEAD').split('\n');
    expect(touched.sort()).toEqual(['index.js', 'readme.md', 'test.js']);
    expect(p.read('.specloop/out/issue-prompts.todo.md')).toMatch(/- \[x\] Step 1[\s\S]*- \[x\] Step 2/);
  });

  it('an outputDir outside the project is exit 2 before any model call', async () => {
    const p = await libraryProject(handler);
    cleanup = p.cleanup;
    writeFileSync(
      join(p.dir, 'specloop.toml'),
      `${p.read('specloop.toml')}\n[task]\noutputDir = "../elsewhere"\n`,
    );
    const r = await p.run(['task', 'code-review', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[task] outputDir "../elsewhere" is outside the project');
    expect(p.fake.requests).toEqual([]);
    expect(existsSync(join(p.dir, '..', 'elsewhere'))).toBe(false);
  });
});
