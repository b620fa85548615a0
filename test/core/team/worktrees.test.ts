import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  beginSpeculation,
  excludeWorktrees,
  prepareWorktree,
  removeWorktree,
  stepBranch,
  withCheckoutAt,
  worktreeDir,
} from '../../../src/core/team/worktrees.js';
import { useCleanups } from '../../support/cleanups.js';
import { git, tempDir } from '../../support/repo.js';
import { seedRepo } from '../../support/team-fixtures.js';

describe('step worktrees', () => {
  const cleanups = useCleanups();
  const repo = () => {
    const t = tempDir('specloop-wt-');
    cleanups.push(t.cleanup);
    const dir = seedRepo(t.dir, [{ title: 'one', actions: [] }]);
    return { dir, tip: git(dir, 'rev-parse', 'HEAD') };
  };

  it('cuts a worktree on the step branch at the base, kept out of git status', async () => {
    const { dir, tip } = repo();
    await excludeWorktrees(dir, { env: process.env });
    const wt = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 3,
      base: tip,
    });
    expect(wt.dir).toBe(worktreeDir(dir, 'p', 3));
    expect(git(wt.dir, 'rev-parse', 'HEAD')).toBe(tip);
    expect(git(wt.dir, 'symbolic-ref', '--short', 'HEAD')).toBe(stepBranch('p', 3));
    expect(wt.resumed).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('a dirty worktree left by a crash is saved as a patch and cleaned', async () => {
    const { dir, tip } = repo();
    const first = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 1,
      base: tip,
    });
    writeFileSync(join(first.dir, 'out', 'half.txt'), 'half done\n');
    writeFileSync(join(first.dir, 'check.sh'), 'exit 1\n');
    const again = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 1,
      base: tip,
    });
    expect(git(again.dir, 'status', '--porcelain')).toBe('');
    expect(again.resumed).toBe(false);
    const patches = readdirSync(join(dir, '.specloop', 'recovered'));
    expect(patches).toHaveLength(1);
    const patch = readFileSync(join(dir, '.specloop', 'recovered', patches[0] as string), 'utf8');
    expect(patch).toContain('half done');
    expect(again.notes.join('\n')).toContain('saved to');
  });

  it('committed work on the step branch survives and is resumed, even without the directory', async () => {
    const { dir, tip } = repo();
    const wt = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 2,
      base: tip,
    });
    writeFileSync(join(wt.dir, 'out', 'two.txt'), 'two\n');
    git(wt.dir, 'add', '-A');
    git(wt.dir, 'commit', '-q', '-m', 'wip');
    const work = git(wt.dir, 'rev-parse', 'HEAD');
    writeFileSync(join(wt.dir, 'out', 'extra.txt'), 'uncommitted\n');
    const again = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 2,
      base: tip,
    });
    expect(again.resumed).toBe(true);
    expect(git(again.dir, 'rev-parse', 'HEAD')).toBe(work);
    expect(existsSync(join(again.dir, 'out', 'extra.txt'))).toBe(false);
    // The directory vanished (e.g. deleted by hand): the branch still resumes.
    git(dir, 'worktree', 'remove', '--force', again.dir);
    const third = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 2,
      base: tip,
    });
    expect(third.resumed).toBe(true);
    expect(git(third.dir, 'rev-parse', 'HEAD')).toBe(work);
  });

  it("a run killed while its branch sat on the landing ahead's unpublished commit resumes from the step's own work", async () => {
    const { dir, tip } = repo();
    const o = { env: process.env, now: Date.now(), planId: 'p', step: 2, base: tip };
    for (const dirGone of [false, true]) {
      const wt = await prepareWorktree(dir, o);
      writeFileSync(join(wt.dir, 'out', `own-${dirGone}.txt`), 'own\n');
      git(wt.dir, 'add', '-A');
      git(wt.dir, 'commit', '-q', '-m', 'own work');
      const own = git(wt.dir, 'rev-parse', 'HEAD');
      // The landing ahead built a commit (another step's work) that it never published.
      writeFileSync(join(dir, 'out', 'ahead.txt'), 'ahead\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'ahead, not published');
      const ahead = git(dir, 'rev-parse', 'HEAD');
      git(dir, 'reset', '-q', '--hard', tip);
      await beginSpeculation(dir, { planId: 'p', step: 2, head: own });
      git(wt.dir, 'rebase', '-q', ahead);
      expect(git(wt.dir, 'log', '--format=%s', '-2')).toBe('own work\nahead, not published');
      if (dirGone) rmSync(wt.dir, { recursive: true, force: true }); // killed; the directory lost too
      const again = await prepareWorktree(dir, o);
      expect(again.resumed).toBe(true);
      expect(git(dir, 'rev-parse', `refs/heads/${stepBranch('p', 2)}`)).toBe(own);
      expect(git(again.dir, 'rev-parse', 'HEAD')).toBe(own);
      expect(existsSync(join(again.dir, 'out', 'ahead.txt'))).toBe(false);
      expect(git(again.dir, 'status', '--porcelain')).toBe('');
      expect(existsSync(`${worktreeDir(dir, 'p', 2)}.speculating`)).toBe(false);
      expect(existsSync(join(dir, '.specloop', 'recovered'))).toBe(false); // nothing to rescue: no patch
      await removeWorktree(dir, { env: process.env, planId: 'p', step: 2, landedOn: own });
    }
  });

  it('removing keeps a branch with unlanded commits and deletes a landed one', async () => {
    const { dir, tip } = repo();
    const wt = await prepareWorktree(dir, {
      env: process.env,
      now: Date.now(),
      planId: 'p',
      step: 4,
      base: tip,
    });
    writeFileSync(join(wt.dir, 'out', 'four.txt'), 'four\n');
    git(wt.dir, 'add', '-A');
    git(wt.dir, 'commit', '-q', '-m', 'wip');
    const work = git(wt.dir, 'rev-parse', 'HEAD');
    const kept = await removeWorktree(dir, { env: process.env, planId: 'p', step: 4, landedOn: tip });
    expect(kept).toContain('kept branch');
    expect(existsSync(wt.dir)).toBe(false);
    expect(git(dir, 'rev-parse', stepBranch('p', 4))).toBe(work);
    await prepareWorktree(dir, { env: process.env, now: Date.now(), planId: 'p', step: 4, base: tip });
    expect(
      await removeWorktree(dir, { env: process.env, planId: 'p', step: 4, landedOn: work }),
    ).toBeUndefined();
    expect(() => git(dir, 'rev-parse', '--verify', '-q', stepBranch('p', 4))).toThrow();
  });

  it('withCheckoutAt: here when HEAD is the commit and clean; else a throwaway worktree with the deps linked, removed after', async () => {
    const { dir, tip } = repo();
    await excludeWorktrees(dir, { env: process.env });
    const g = { env: process.env, planId: 'p', rev: tip, link: ['node_modules'] };
    expect(await withCheckoutAt(dir, g, async (at) => at)).toBe(dir);
    // The checkout moved on (a teammate's tip is older, or this clone is behind): not here.
    writeFileSync(join(dir, 'later.txt'), 'later\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'later');
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    const seen = await withCheckoutAt(dir, g, async (at) => ({
      at,
      head: git(at, 'rev-parse', 'HEAD'),
      later: existsSync(join(at, 'later.txt')),
      dep: existsSync(join(at, 'node_modules', 'dep')),
    }));
    expect(seen).toEqual({ at: worktreeDir(dir, 'p', 'preflight'), head: tip, later: false, dep: true });
    expect(existsSync(seen.at)).toBe(false);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    // Removed even when the work in it throws.
    await expect(
      withCheckoutAt(dir, g, async () => {
        throw new Error('red');
      }),
    ).rejects.toThrow('red');
    expect(existsSync(seen.at)).toBe(false);
  });

  it('four steps cut their worktrees at once; each is registered on its own branch', async () => {
    const { dir, tip } = repo();
    const wts = await Promise.all(
      [1, 2, 3, 4].map((step) =>
        prepareWorktree(dir, { env: process.env, now: Date.now(), planId: 'p', step, base: tip }),
      ),
    );
    const listed = git(dir, 'worktree', 'list', '--porcelain');
    for (const wt of wts) {
      expect(listed).toContain(`worktree ${wt.dir}\n`);
      expect(git(wt.dir, 'symbolic-ref', '--short', 'HEAD')).toBe(stepBranch('p', wt.step));
    }
    // ... and removed at once too, with their landed branches.
    await Promise.all(
      wts.map((wt) => removeWorktree(dir, { env: process.env, planId: 'p', step: wt.step, landedOn: tip })),
    );
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git(dir, 'branch', '--list', 'specloop-step/*')).toBe('');
  });

  it('a worktree directory deleted by hand (still registered) is cut again, and its committed work resumes', async () => {
    const { dir, tip } = repo();
    const cut = () =>
      prepareWorktree(dir, { env: process.env, now: Date.now(), planId: 'p', step: 5, base: tip });
    const { dir: at } = await cut();
    writeFileSync(join(at, 'out', 'five.txt'), 'five\n');
    git(at, 'add', '-A');
    git(at, 'commit', '-qm', 'wip');
    const work = git(at, 'rev-parse', 'HEAD');
    rmSync(at, { recursive: true, force: true });
    const again = await cut();
    expect(again.resumed).toBe(true);
    expect(git(again.dir, 'rev-parse', 'HEAD')).toBe(work);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(2);
  });
});
