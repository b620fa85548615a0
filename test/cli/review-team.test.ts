import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { type FixtureStep, makeRemote, seedRepo, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';
import { answer, pendingIn, waitForReview } from './review-support.js';

/**
 * The review gate in --team and --parallel: it runs in the step's worktree after the
 * tests, before the integration queue — nothing reaches the remote (or the local branch)
 * until the step is accepted; a rejection's comment is the next attempt's feedback.
 * The executor is the stand-in `claude` (a real process applying the plan's action lines).
 */
const PLAN: FixtureStep[] = [
  { title: 'write the config', actions: ['WRITE out/config.txt config'] },
  { title: 'write the report', deps: [1], actions: ['WRITE out/report.txt report'] },
];
const TOML = 'executor = "claude"\nmaxAttempts = 3\n';

function promptOf(dir: string, step: number, attempt: number): string {
  const runs = join(dir, '.specloop', 'runs');
  for (const run of readdirSync(runs).filter((r) => !r.startsWith('.'))) {
    const f = join(runs, run, `step-${step}`, `attempt-${attempt}`, 'prompt.md');
    if (existsSync(f)) return readFileSync(f, 'utf8');
  }
  throw new Error(`no record of step ${step} attempt ${attempt}`);
}

describe('run --review with --team and --parallel', () => {
  const cleanups = useCleanups();

  it('--team: a step reaches the integration branch only once accepted; a rejection reruns it with the comment', async () => {
    const root = cleanups.tmp('specloop-review-team-');
    const { bare, clone } = makeRemote(root, PLAN, TOML);
    const dir = clone('ana');
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const start = git(bare, 'rev-parse', 'main');
    const run = runCli(['run', '--team', '--review'], { cwd: dir, env });

    const p1 = await waitForReview(dir, 1, { running: run });
    expect(p1.stat).toContain('out/config.txt');
    expect(p1.test?.ok).toBe(true);
    // Waiting at the gate: the remote has not moved, the claim is held.
    expect(git(bare, 'rev-parse', 'main')).toBe(start);
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/specloop/claims/')).toMatch(/\/1$/m);
    await answer(dir, p1, { action: 'accept' });

    const p2 = await waitForReview(dir, 2, { running: run });
    expect(stepTrailers(bare, 'main')).toEqual([1]);
    await answer(dir, p2, { action: 'reject', comment: 'say "final report" in the report' });
    const p2b = await waitForReview(dir, 2, { attempt: 2, running: run });
    expect(stepTrailers(bare, 'main')).toEqual([1]);
    expect(promptOf(dir, 2, 2)).toContain(
      'a reviewer rejected this change: say "final report" in the report',
    );
    await answer(dir, p2b, { action: 'accept' });

    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('waiting for review in `specloop board`');
    expect(stepTrailers(bare, 'main')).toEqual([1, 2]);
    expect(git(bare, 'show', 'main:todo.md')).toContain('- [x] Step 2: write the report');
    expect(pendingIn(dir)).toEqual([]);
  }, 120_000);

  it('--team: a step whose claim is taken away while it waits for review withdraws the question; nothing lands', async () => {
    const root = cleanups.tmp('specloop-review-lost-');
    const { bare, clone } = makeRemote(root, PLAN.slice(0, 1), `${TOML}\n[team]\nleaseSeconds = 3\n`);
    const ana = clone('ana');
    const ben = clone('ben');
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const run = runCli(['run', '--team', '--review'], { cwd: ana, env });
    await waitForReview(ana, 1, { running: run });
    const rel = await runCli(['team', 'release', '1', '--force'], { cwd: ben, env });
    expect(rel.code, rel.stderr).toBe(0);
    const r = await run;
    expect(r.stderr).toMatch(/0 steps landed on origin\/main .*; not done: 1/);
    expect(pendingIn(ana)).toEqual([]);
    expect(stepTrailers(bare, 'main')).toEqual([]);
  }, 120_000);

  it('--parallel 2: independent steps wait for review side by side, and land as they are accepted', async () => {
    const root = cleanups.tmp('specloop-review-par-');
    const dir = join(root, 'repo');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    seedRepo(
      dir,
      [
        { title: 'one', actions: ['WRITE out/one.txt one'] },
        { title: 'two', actions: ['WRITE out/two.txt two'] },
      ],
      TOML,
    );
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const run = runCli(['run', '--parallel', '2', '--review', '--no-branch'], { cwd: dir, env });
    const p1 = await waitForReview(dir, 1, { running: run });
    const p2 = await waitForReview(dir, 2, { running: run });
    expect(pendingIn(dir).map((p) => p.step)).toEqual([1, 2]);
    expect(stepTrailers(dir, 'HEAD')).toEqual([]);
    await answer(dir, p2, { action: 'accept' });
    await answer(dir, p1, { action: 'accept' });
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(stepTrailers(dir, 'HEAD').sort()).toEqual([1, 2]);
    expect(pendingIn(dir)).toEqual([]);
  }, 120_000);
});
