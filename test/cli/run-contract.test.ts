import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { MODES, type Mode, makeScene, snapshot } from '../support/contract-fixtures.js';
import { actionModel, runWith, standinLog, standinStarts } from '../support/contract-flags.js';
import { git as gitRaw, tempDir } from '../support/repo.js';
import { type FixtureStep, planText, todoText } from '../support/team-fixtures.js';

/**
 * The contract of the one run core: the same scenario, the same flags, the same outcome
 * in every mode — solo, `--parallel 2`, `--team` (bare remote + clone).
 */
const THREE: FixtureStep[] = [
  { title: 'one', actions: ['WRITE out/one.txt one'] },
  { title: 'two', actions: ['WRITE out/two.txt two'] },
  { title: 'three', actions: ['WRITE out/three.txt three'] },
];

describe.each(MODES)('specloop run contract (%s)', (mode: Mode) => {
  const cleanups = useCleanups();
  const scene = (steps: FixtureStep[], extra: Record<string, string> = {}) => {
    const t = tempDir(`specloop-contract-${mode}-`);
    cleanups.push(t.cleanup);
    return makeScene(t.dir, mode, steps, extra);
  };

  it('--dry-run changes nothing: tree, .specloop/, refs, worktrees and the remote are byte-identical', async () => {
    const s = scene(THREE);
    const before = snapshot(s);
    const r = await s.run(['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/step 1: one/);
    expect(r.stdout).toMatch(/step 3: three/);
    expect(snapshot(s)).toEqual(before);
    expect(s.landed()).toEqual([]);
  }, 30_000);

  it('--next runs one step, --until 2 the steps up to 2, --step 3 only step 3', async () => {
    const s = scene(THREE);
    let r = await s.run(['--next']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1]);
    r = await s.run(['--until', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1, 2]);
    r = await s.run(['--step', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1, 2, 3]);
    r = await s.run(['--step', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('step 3 is already done');
  }, 60_000);

  it('a red step is not landed and the run exits 1; --max-attempts bounds the attempts', async () => {
    const s = scene([
      { title: 'fine', actions: ['WRITE out/fine.txt fine'] },
      { title: 'red', deps: [1], actions: ['WRITE out/red.txt BROKEN'] },
    ]);
    const r = await s.run(['--max-attempts', '1']);
    expect(r.code).toBe(1);
    expect(s.landed()).toEqual([1]);
    expect(r.stderr).not.toMatch(/attempt 2/);
  }, 60_000);

  it('--test-timeout kills a hanging test command in every mode', async () => {
    const s = scene([{ title: 'hang', actions: ['WRITE out/HANG x'] }]);
    const t0 = Date.now();
    const r = await s.run(['--test-timeout', '1', '--max-attempts', '1', '--json']);
    expect(r.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(`${r.stdout}${r.stderr}`).toMatch(/timed out|tests red|killed after 1 s/);
    expect(s.landed()).toEqual([]);
  }, 40_000);

  it('flags that cannot apply are refused with exit 2 and the reason', async () => {
    const s = scene(THREE);
    const before = snapshot(s);
    const r = mode === 'team' ? await s.run(['--yes']) : await s.run(['--remote', 'origin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(mode === 'team' ? /--yes does not apply to --team/ : /--remote does not apply/);
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it('two plans in one repository: each lands its own steps under its own plan id', async () => {
    const other: FixtureStep[] = [{ title: 'other one', actions: ['WRITE out/other.txt other'] }];
    const s = scene(THREE, { 'other.md': planText(other), 'other.todo.md': todoText(other) });
    let r = await s.run([]);
    expect(r.code, r.stderr).toBe(0);
    r = await s.run(['--from', 'other.md']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed('prompt_plan').sort()).toEqual([1, 2, 3]);
    expect(s.landed('other')).toEqual([1]);
    if (mode !== 'team') expect(gitRaw(s.dir, 'status', '--porcelain')).toBe('');
  }, 90_000);

  it('--branch NAME is the branch the steps land on; --test-cmd replaces the configured test command', async () => {
    const s = scene(THREE);
    if (mode === 'team') gitRaw(s.dir, 'branch', 'feature');
    let r = await s.run(['--branch', 'feature', '--next']);
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed('prompt_plan', 'feature')).toEqual([1]);
    r = await s.run([
      '--branch',
      'feature',
      '--next',
      '--test-cmd',
      'echo always red; exit 3',
      '--max-attempts',
      '1',
    ]);
    expect(r.code).toBe(1);
    expect(s.landed('prompt_plan', 'feature')).toEqual([1]);
  }, 60_000);

  it('--no-branch lands on the branch checked out (main; in team mode the remote branch it tracks)', async () => {
    const s = scene(THREE);
    const r = await s.run(['--no-branch', '--until', '2']);
    expect(r.code, r.stderr).toBe(0);
    // --parallel lands independent steps in the order they finish.
    expect(s.landed('prompt_plan', 'main').sort()).toEqual([1, 2]);
    if (mode !== 'team') expect(gitRaw(s.dir, 'branch', '--list', 'specloop/*')).toBe('');
  }, 60_000);
});

/**
 * The flags that reach the executor — `--executor`, `-m`, `--no-tdd`, `--max-cost` — and
 * their observable effect in every mode: which executor starts, the model name the fake
 * server receives, the prompt and the test-file rule, the attempts a budget allows.
 */
describe.each(MODES)('specloop run contract, executor flags (%s)', (mode: Mode) => {
  const cleanups = useCleanups();
  const scene = (steps: FixtureStep[], extra: Record<string, string> = {}) => {
    const t = tempDir(`specloop-contract-flags-${mode}-`);
    cleanups.push(t.cleanup);
    return makeScene(t.dir, mode, steps, extra);
  };
  const TDD_RULE = /This step is test-driven/;

  it('--executor picks the executor over the config; -m reaches the model (builtin) and the CLI (claude)', async () => {
    const s = scene(THREE);
    const log = standinLog(s);
    const fake = await cleanups.fakeLlm(actionModel());
    let r = await runWith(s, ['--executor', 'builtin', '-m', 'openai:contract-model', '--next'], {
      ...fake.env(),
      TEAM_STANDIN_LOG: log,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1]);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(new Set(fake.requests.map((q) => q.model))).toEqual(new Set(['contract-model']));
    expect(standinStarts(log)).toEqual([]); // the configured claude never started
    r = await runWith(s, ['-m', 'contract-claude', '--next'], { TEAM_STANDIN_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed().sort()).toEqual([1, 2]);
    const starts = standinStarts(log);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.argv.join(' ')).toContain('--model contract-claude');
  }, 60_000);

  it('--no-tdd drops the test-first rule from the prompt and the test-file requirement', async () => {
    const asks = (title: string): FixtureStep => ({
      title,
      actions: [`Add a test for ${title}.`, `WRITE out/${title}.txt ${title}`],
    });
    const s = scene([asks('alpha'), asks('beta')], {
      'specloop.toml':
        '[test]\ncommand = "sh check.sh"\n\n[run]\ntdd = true\nexecutor = "claude"\n\n[team]\nleaseSeconds = 5\n',
    });
    const log = standinLog(s);
    let r = await runWith(s, ['--no-tdd', '--next'], { TEAM_STANDIN_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    expect(s.landed()).toEqual([1]); // no test file touched, accepted: not test-driven
    r = await runWith(s, ['--next', '--max-attempts', '1'], { TEAM_STANDIN_LOG: log });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this is a test-driven step but no test file was added or changed');
    expect(s.landed()).toEqual([1]);
    const [first, second] = standinStarts(log);
    expect(first!.prompt).toContain('Implement alpha.');
    expect(first!.prompt).not.toMatch(TDD_RULE);
    expect(second!.prompt).toContain('Implement beta.');
    expect(second!.prompt).toMatch(TDD_RULE);
  }, 60_000);

  it('--max-cost: each attempt gets what is left as its budget; none starts once it is spent', async () => {
    const s = scene([{ title: 'dear', actions: ['WRITE out/dear.txt BROKEN', 'COST 0.6'] }]);
    const log = standinLog(s);
    const r = await runWith(s, ['--max-cost', '0.5', '--max-attempts', '3', '--json'], {
      TEAM_STANDIN_LOG: log,
    });
    expect(r.code).toBe(1);
    const starts = standinStarts(log);
    expect(starts).toHaveLength(1); // attempt 1 spent $0.60: attempt 2 never starts
    expect(starts[0]!.argv.join(' ')).toContain('--max-budget-usd 0.5000');
    expect(`${r.stdout}${r.stderr}`).toContain('cost limit reached ($0.60 of $0.50)');
    expect(s.landed()).toEqual([]);
  }, 60_000);

  it('--max-cost: once a landed step spent it, no further step starts (exit 1)', async () => {
    const s = scene([
      { title: 'dear', actions: ['WRITE out/dear.txt dear', 'COST 0.6'] },
      { title: 'next', deps: [1], actions: ['WRITE out/next.txt next'] },
    ]);
    const log = standinLog(s);
    const r = await runWith(s, ['--max-cost', '0.5'], { TEAM_STANDIN_LOG: log });
    expect(r.code).toBe(1);
    expect(s.landed()).toEqual([1]);
    expect(standinStarts(log)).toHaveLength(1);
    expect(r.stderr).toMatch(/spent \$0\.60 of --max-cost \$0\.50|stopped: --max-cost reached/);
  }, 60_000);
});

// The test preflight and --allow-red, the same in every mode (core/run/test-preflight.ts).
describe.each(MODES)('specloop run contract: test preflight (%s)', (mode: Mode) => {
  const cleanups = useCleanups();
  const scene = (steps: FixtureStep[], extra: Record<string, string> = {}) => {
    const t = tempDir(`specloop-preflight-${mode}-`);
    cleanups.push(t.cleanup);
    return makeScene(t.dir, mode, steps, extra);
  };
  const REPAIR: FixtureStep[] = [{ title: 'repair', actions: ['WRITE out/old.txt fixed'] }];

  it('a suite red before any step stops the run (exit 1, its failure shown, no agent); --allow-red starts and the repairing step lands', async () => {
    const s = scene(REPAIR, { 'out/old.txt': 'BROKEN\n' });
    let r = await s.run([]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('the test suite is already red before any step ran');
    expect(r.stderr).toContain('found BROKEN');
    expect(r.stderr).toContain('--allow-red');
    expect(r.stderr).not.toMatch(/attempt 1/);
    expect(s.landed()).toEqual([]);
    // No worktree is left behind by the check.
    expect(gitRaw(s.dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    r = await s.run(['--allow-red']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/red before any step .*going on \(--allow-red\)/);
    expect(s.landed()).toEqual([1]);
  }, 60_000);

  it('a test command that cannot run is exit 2 before any step, naming it', async () => {
    const s = scene(REPAIR);
    const r = await s.run(['--test-cmd', 'no-such-test-runner-xyz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the test command `no-such-test-runner-xyz` was not found \(exit 127\)/);
    expect(r.stderr).not.toMatch(/attempt 1/);
    expect(s.landed()).toEqual([]);
  }, 30_000);

  it('a test command that stops running after an attempt (exit 127) stops the run (exit 2); the attempt is recorded, not counted', async () => {
    const s = scene(REPAIR);
    const cmd = 'if [ -f out/old.txt ]; then echo "sh: 1: vitest: not found"; exit 127; fi; sh check.sh';
    const r = await s.run(['--test-cmd', cmd, '--max-attempts', '3']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/was not found \(exit 127\)/);
    expect(r.stderr).not.toMatch(/attempt 2/);
    const show = await runCli(['show', '1', '--json'], { cwd: s.dir, env: s.env });
    expect(show.code, show.stderr).toBe(0);
    const rec = JSON.parse(show.stdout);
    expect(rec.attempts).toHaveLength(1);
    expect(rec.attempts[0]).toMatchObject({
      attempt: 1,
      ok: false,
      stoppedRun: 'E_TEST_COMMAND',
      testCode: 127,
    });
    expect(s.landed()).toEqual([]);
  }, 30_000);
});
