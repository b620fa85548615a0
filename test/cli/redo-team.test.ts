import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { type FixtureStep, makeRemote, stepTrailers } from '../support/team-fixtures.js';
import { installTeamClaude } from '../support/team-standin.js';

/**
 * `run --team --step N --redo`: the undo is a revert pushed fast-forward to the integration
 * branch; the step then runs again and lands through the integration queue.
 */
const PLAN: FixtureStep[] = [
  { title: 'write the config', actions: ['WRITE out/config.txt config'] },
  { title: 'write the report', deps: [1], actions: ['WRITE out/report.txt report'] },
];

describe('run --team --redo', () => {
  const cleanups = useCleanups();
  /** A bare remote with the plan, clone "ana", the stand-in claude on PATH, and 2 steps landed by `run --team`. */
  const landedTwo = async () => {
    const root = cleanups.tmp('specloop-redo-team-');
    const { bare, clone } = makeRemote(root, PLAN, 'executor = "claude"\n');
    const ana = clone('ana');
    const bin = installTeamClaude(join(root, 'bin'));
    const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
    const first = await runCli(['run', '--team'], { cwd: ana, env });
    expect(first.code, first.stderr).toBe(0);
    expect(stepTrailers(bare, 'main')).toEqual([1, 2]);
    return { bare, clone, ana, env };
  };

  it('undoes the landed step on the remote and lands it again; a teammate sees it done', async () => {
    const { bare, clone, ana, env } = await landedTwo();

    const r = await runCli(['run', '--team', '--step', '2', '--redo'], { cwd: ana, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /undid step 2 \(revert [0-9a-f]{10}, pushed to origin\/main\); running it again/,
    );
    const subjects = git(bare, 'log', '--format=%s', '-3', 'main').split('\n');
    expect(subjects[1]).toBe('undo step 2: write the report');
    expect(subjects[0]).toMatch(/^step 2: write the report/);
    expect(stepTrailers(bare, 'main')).toEqual([1, 2, 2]);
    expect(git(bare, 'show', 'main:todo.md')).toContain('- [x] Step 2: write the report');
    expect(git(bare, 'show', 'main:out/report.txt')).toBe('report');

    // A teammate's clone counts it done (the revert of the first landing is itself superseded).
    const ben = clone('ben');
    const st = await runCli(['run', '--team', '--dry-run'], { cwd: ben, env });
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toContain('2 step(s) done');
    expect(st.stdout).toContain('would run: nothing');
  }, 120_000);

  it("undo N --team: a teammate's team status and run see the step not done; run --team --step N lands it again", async () => {
    const { bare, clone, ana, env } = await landedTwo();
    const u = await runCli(['undo', '2', '--team'], { cwd: ana, env });
    expect(u.code, u.stderr).toBe(0);
    expect(git(bare, 'log', '-1', '--format=%s', 'main')).toBe('undo step 2: write the report');
    const ben = clone('ben');
    const st = JSON.parse((await runCli(['team', 'status', '--json'], { cwd: ben, env })).stdout);
    expect(st.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'ready']);
    const dry = await runCli(['run', '--team', '--dry-run'], { cwd: ben, env });
    expect(dry.stdout).toContain('step 2: write the report');
    const again = await runCli(['run', '--team', '--step', '2'], { cwd: ben, env });
    expect(again.code, again.stderr).toBe(0);
    expect(stepTrailers(bare, 'main')).toEqual([1, 2, 2]);
    const after = JSON.parse((await runCli(['team', 'status', '--json'], { cwd: ana, env })).stdout);
    expect(after.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'done']);
  }, 120_000);

  it('refuses with the reason when the checkout has commits the remote lacks; the remote is untouched', async () => {
    const { bare, ana, env } = await landedTwo();
    writeFileSync(join(ana, 'notes.txt'), 'local only\n');
    git(ana, 'add', 'notes.txt');
    git(ana, 'commit', '-q', '-m', 'local note');
    const tip = git(bare, 'rev-parse', 'main');
    const r = await runCli(['run', '--team', '--step', '2', '--redo'], { cwd: ana, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has commits that are not on origin');
    expect(git(bare, 'rev-parse', 'main')).toBe(tip);
  }, 120_000);
});
