import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { copyRepo } from '../support/e2e-project.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';
import { agentHandler, history, makeProject, TITLES, ticked } from '../support/run-fixtures.js';

describe('specloop undo and redo (real git, fake LLM)', () => {
  const cleanups = useCleanups();
  // One real three-step run; every case starts from its own copy of the finished repo.
  let fake: FakeLlm;
  let ran: ReturnType<typeof tempDir>;
  const cliIn =
    (dir: string) =>
    (args: string[], f: FakeLlm | undefined = fake) =>
      runCli(args, { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...f?.env() } });
  beforeAll(async () => {
    fake = await startFakeLlm(agentHandler());
    ran = tempDir('specloop-undo-ran-');
    const r = await cliIn(makeProject(ran.dir))(['run']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await fake?.close();
    ran?.cleanup();
  });
  const setup = async () => {
    const dir = copyRepo(ran.dir, join(cleanups.tmp('specloop-undo-'), 'repo'));
    return { dir, fake, cli: cliIn(dir) };
  };

  it('undo (no argument) reverts the last landed step and unticks its box in the same commit', async () => {
    const s = await setup();
    const r = await s.cli(['undo', '--json'], undefined);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ step: 3, hard: false, branch: 'specloop/prompt_plan' });
    expect(history(s.dir).at(-1)).toBe(`undo step 3: ${TITLES[2]}||prompt_plan`);
    expect(git(s.dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'src/step3.js',
      'test/step3.test.js',
      'todo.md',
    ]);
    expect(existsSync(join(s.dir, 'src/step3.js'))).toBe(false);
    expect(ticked(s.dir)).toEqual([1, 2]);
    expect(git(s.dir, 'log', '-1', '--format=%(trailers:key=Specloop-Revert,valueonly)')).toBe(out.undone);
    expect(git(s.dir, 'status', '--porcelain')).toBe('');
  });

  it('an undone step is not done for status and run --dry-run; run --step N runs it again', async () => {
    const s = await setup();
    expect((await s.cli(['undo', '2'], undefined)).code).toBe(0);
    expect(ticked(s.dir)).toEqual([1, 3]);
    const st = await s.cli(['status', '--json'], undefined);
    expect(JSON.parse(st.stdout)).toMatchObject({ done: [1, 3], next: { number: 2 } });
    const dry = await s.cli(['run', '--dry-run'], undefined);
    expect(dry.stdout).toContain('step 2: Second function');
    const redo = await s.cli(['run', '--step', '2']);
    expect(redo.code, redo.stderr).toBe(0);
    expect(ticked(s.dir)).toEqual([1, 2, 3]);
    expect(history(s.dir).slice(-2)).toEqual([
      `undo step 2: ${TITLES[1]}||prompt_plan`,
      `step 2: ${TITLES[1]}|2|prompt_plan`,
    ]);
    expect(existsSync(join(s.dir, 'src/step2.js'))).toBe(true);
  });

  it('after a plain `git revert` of a step commit, run --dry-run would run that step again', async () => {
    const s = await setup();
    const step3 = git(s.dir, 'log', '--format=%H', '--grep=^Specloop-Step: 3');
    git(s.dir, 'revert', '--no-edit', step3);
    const dry = await s.cli(['run', '--dry-run'], undefined);
    expect(dry.stdout).toContain('step 3: Third function');
    expect(JSON.parse((await s.cli(['status', '--json'], undefined)).stdout).next).toMatchObject({
      number: 3,
    });
  });

  it('--hard drops an unpushed tip; refuses a step that is not at the tip', async () => {
    const s = await setup();
    const refused = await s.cli(['undo', '1', '--hard'], undefined);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--hard drops only the last commit');
    const before = history(s.dir).length;
    const r = await s.cli(['undo', '--hard'], undefined);
    expect(r.code, r.stderr).toBe(0);
    expect(history(s.dir)).toHaveLength(before - 1);
    expect(ticked(s.dir)).toEqual([1, 2]);
  });

  it('--hard refuses pushed history', async () => {
    const s = await setup();
    const bare = cleanups.tmp('specloop-undo-remote-');
    git(bare, 'init', '-q', '--bare');
    git(s.dir, 'remote', 'add', 'origin', bare);
    git(s.dir, 'push', '-q', 'origin', 'HEAD');
    const r = await s.cli(['undo', '--hard'], undefined);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('would rewrite pushed history');
  });

  it('a dirty tree, an unknown step and a step not landed are usage errors; nothing is written', async () => {
    const s = await setup();
    const head = git(s.dir, 'rev-parse', 'HEAD');
    expect((await s.cli(['undo', '7'], undefined)).stderr).toContain('step 7 has not landed');
    await s.cli(['undo', '3'], undefined);
    const twice = await s.cli(['undo', '3'], undefined);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already undone');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(s.dir, 'src/index.js'), 'changed\n');
    const dirty = await s.cli(['undo'], undefined);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain('uncommitted changes');
    expect(git(s.dir, 'rev-parse', 'HEAD~1')).toBe(head);
  });

  it('--team reverts on the remote integration branch, fast-forward only; a diverged checkout is refused', async () => {
    const s = await setup();
    const bare = cleanups.tmp('specloop-undo-team-');
    git(bare, 'init', '-q', '--bare');
    git(s.dir, 'remote', 'add', 'origin', bare);
    git(s.dir, 'push', '-q', '-u', 'origin', 'specloop/prompt_plan');
    const r = await s.cli(['undo', '2', '--team'], undefined);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('pushed the revert to origin/specloop/prompt_plan (fast-forward)');
    expect(git(bare, 'log', '-1', '--format=%s', 'specloop/prompt_plan')).toBe(`undo step 2: ${TITLES[1]}`);
    expect(git(s.dir, 'rev-parse', 'HEAD')).toBe(git(bare, 'rev-parse', 'specloop/prompt_plan'));
    git(s.dir, 'commit', '-q', '--allow-empty', '-m', 'local only');
    const diverged = await s.cli(['undo', '--team'], undefined);
    expect(diverged.code).toBe(2);
    expect(diverged.stderr).toContain('has commits that are not on origin');
  });

  it('after a --from run, the rerun hint names that plan (a bare run --step N would look for prompt_plan.md)', async () => {
    const dir = makeProject(cleanups.tmp('specloop-undo-from-'));
    renameSync(join(dir, 'prompt_plan.md'), join(dir, 'my plan.md'));
    rmSync(join(dir, 'todo.md'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'plan elsewhere');
    const fake = await cleanups.fakeLlm(agentHandler());
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    const run = await runCli(['run', '--from', 'my plan.md'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const r = await runCli(['undo', '2', '--from', 'my plan.md'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("next: `specloop run --from 'my plan.md' --step 2` runs it again");
    const again = await runCli(['run', '--from', 'my plan.md', '--step', '2'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/#2 Second function\): committed/);
  });

  it('after a --parallel run, undo reverts on the run branch the same way', async () => {
    const dir = makeProject(cleanups.tmp('specloop-undo-par-'), { deps: { 2: [1], 3: [1] } });
    const fake = await cleanups.fakeLlm(agentHandler());
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    const run = await runCli(['run', '--parallel', '2'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const r = await runCli(['undo', '1'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('undid step 1 (First function)');
    expect(ticked(dir)).toEqual([2, 3]);
    expect(existsSync(join(dir, 'src/step1.js'))).toBe(false);
    const dry = await runCli(['run', '--parallel', '2', '--dry-run'], { cwd: dir, env });
    expect(dry.stdout).toContain('step 1');
    // Redo in the same mode: the undone step runs again; --redo undoes a landed one and reruns it.
    const again = await runCli(['run', '--parallel', '2', '--step', '1'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    const redo = await runCli(['run', '--parallel', '2', '--step', '3', '--redo'], { cwd: dir, env });
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stderr).toContain('undid step 3');
    expect(
      history(dir)
        .slice(-4)
        .map((l) => l.split('|')[0]),
    ).toEqual([
      `undo step 1: ${TITLES[0]}`,
      `step 1: ${TITLES[0]}`,
      `undo step 3: ${TITLES[2]}`,
      `step 3: ${TITLES[2]}`,
    ]);
    expect(ticked(dir)).toEqual([1, 2, 3]);
    expect(existsSync(join(dir, 'src/step1.js'))).toBe(true);
  });
});
