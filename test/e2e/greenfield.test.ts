import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProvenance, stripProvenance } from '../../src/core/drift/index.js';
import {
  ANSWERS_FILE,
  greenfieldScript,
  IDEA,
  PLAN,
  QUESTIONS,
  SPEC,
  STEP_FILES,
  TODO,
  type WalkthroughResult,
  walkthrough,
} from '../support/e2e-greenfield.js';
import { commitLines, copyRepo, makeNodeProject, stepTrailers, treeFiles } from '../support/e2e-project.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';

/**
 * A new user's whole greenfield loop through the built binary, in a real git repo holding
 * a tiny Node project: init → idea (scripted answers) → plan → status → run --all, against
 * the wire-level fake model, recorded with --llm-record; then the same session replayed
 * offline from the recording alone (DESIGN: "a whole brainstorm → plan → run can be
 * replayed offline").
 */

interface Session {
  t: ReturnType<typeof tempDir>;
  repo: string;
  /** A copy of the repo as it was before anything ran, for the replay. */
  fresh: string;
  answers: string;
  recording: string;
  fake: FakeLlm;
  walk: WalkthroughResult;
}

/** Record the walkthrough; the builtin agent calls run_tests in each step unless told not to. */
async function record(opts: { runTests: boolean }): Promise<Session> {
  const t = tempDir('specloop-e2e-');
  const repo = join(t.dir, 'repo');
  mkdirSync(repo);
  makeNodeProject(repo);
  const fresh = copyRepo(repo, join(t.dir, 'fresh'));
  const answers = join(t.dir, 'answers.txt');
  writeFileSync(answers, ANSWERS_FILE);
  const recording = join(t.dir, 'session.jsonl');
  const s = greenfieldScript(opts);
  const fake = await startFakeLlm([...s.idea, ...s.plan, ...s.run]);
  const env = { ...fake.env(), SPECLOOP_HOME: join(t.dir, 'home') };
  const walk = await walkthrough(repo, env, ['--llm-record', recording], answers);
  return { t, repo, fresh, answers, recording, fake, walk };
}

/** Replay in the fresh copy: no fake server, no API key, no model in the environment. */
function replay(s: Session): Promise<WalkthroughResult> {
  return walkthrough(
    s.fresh,
    { SPECLOOP_HOME: join(s.t.dir, 'home-offline') },
    ['--llm-replay', s.recording],
    s.answers,
  );
}

/** The result of the walkthrough's command with exactly this argv, or the first `cmd …`. */
const resultOf = (w: WalkthroughResult, ...argv: string[]) =>
  (w.steps.find((s) => s.argv.join(' ') === argv.join(' ')) ?? w.steps.find((s) => s.argv[0] === argv[0]))!
    .result;

describe('greenfield: init → idea → plan → status → run --all (recorded)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await record({ runTests: true });
  }, 60_000);
  afterAll(async () => {
    await s?.fake.close();
    s?.t.cleanup();
  });

  it('asks the scripted questions one at a time, each request carrying the previous answers', () => {
    const stderr = resultOf(s.walk, 'idea').stderr;
    for (const q of QUESTIONS) expect(stderr).toContain(q);
    const brainstorm = s.fake.requests.slice(0, 3).map((r) => r.messages.map((m) => m.content).join('\n'));
    expect(brainstorm[0]).toContain(IDEA);
    expect(brainstorm[0]).not.toContain('As command-line arguments');
    expect(brainstorm[1]).toContain('As command-line arguments');
    expect(brainstorm[2]).toContain('Print an error and exit with code 2.');
  });

  it('writes spec.md from the compile answer, without the end signal', () => {
    const spec = readFileSync(join(s.repo, 'spec.md'), 'utf8');
    expect(spec.trim()).toBe(SPEC.trim());
    expect(spec).not.toContain('SPEC_READY');
  });

  it('writes prompt_plan.md and todo.md that status validates (2 steps, step 1 next)', () => {
    const plan = readFileSync(join(s.repo, 'prompt_plan.md'), 'utf8');
    // The plan records the commit it was made from (docs/change.md, "Drift"), then the model's text.
    expect(readProvenance(plan)).toMatch(/^[0-9a-f]{40}$/);
    expect(stripProvenance(plan)).toBe(PLAN);
    const status = JSON.parse(resultOf(s.walk, 'status', '--json').stdout);
    expect(status.plan).toMatchObject({ exists: true, valid: true, steps: 2, problems: [] });
    expect(status).toMatchObject({ total: 2, done: [], mismatches: [], next: { number: 1 } });
  });

  it('status shows the plan, the progress and the next step in words', () => {
    const text = resultOf(s.walk, 'status').stdout;
    expect(text).toMatch(/prompt_plan\.md\s+2 steps/);
    expect(text).toMatch(/todo\.md\s+0\/2 done/);
    expect(text).toContain('next:    Step 1: Add function');
  });

  it('commits each step once, with its Specloop-Step trailer, on the run branch', () => {
    expect(stepTrailers(s.repo)).toEqual([1, 2]);
    expect(commitLines(s.repo).slice(-2)).toEqual([
      'step 1: Add function|1|prompt_plan',
      'step 2: Command-line entry|2|prompt_plan',
    ]);
    expect(git(s.repo, 'branch', '--show-current')).toBe('specloop/prompt_plan');
    expect(git(s.repo, 'status', '--porcelain')).toBe('');
  });

  it('ticks every step in todo.md and changes nothing else in it', () => {
    const todo = readFileSync(join(s.repo, 'todo.md'), 'utf8');
    expect(todo).toBe(TODO.replace('- [ ] Step 1', '- [x] Step 1').replace('- [ ] Step 2', '- [x] Step 2'));
  });

  it("leaves the agent's files in the tree, and the project's own tests pass", () => {
    for (const files of Object.values(STEP_FILES))
      for (const [path, content] of Object.entries(files))
        expect(readFileSync(join(s.repo, path), 'utf8')).toBe(content);
    expect(() => execFileSync('npm', ['test'], { cwd: s.repo, stdio: 'pipe' })).not.toThrow();
    expect(
      execFileSync(process.execPath, ['src/cli.js', '2', '3', '4'], { cwd: s.repo, encoding: 'utf8' }),
    ).toBe('9\n');
  });

  it('made exactly the scripted model calls (4 brainstorm, 2 plan, 6 agent) and records each', () => {
    expect(s.fake.unexpected).toEqual([]);
    expect(s.fake.requests).toHaveLength(12);
    expect(readFileSync(s.recording, 'utf8').trim().split('\n')).toHaveLength(12);
  });

  // The run_tests tool result (node --test output with `duration_ms` timings) is part of
  // the agent's next request and differs on replay: the replayer's loose pass covers it.
  it('replays the session offline even when the agent ran the tests', async () => {
    await s.fake.close();
    const offline = await replay(s);
    expect(offline.steps.every((x) => x.result.code === 0)).toBe(true);
  }, 60_000);
});

describe('greenfield replay: the same session offline, from --llm-replay alone', () => {
  let s: Session;
  let offline: WalkthroughResult;
  beforeAll(async () => {
    // The agent writes and finishes without calling run_tests (see the known bug above):
    // every request is then a pure function of the session, as replay needs.
    s = await record({ runTests: false });
    await s.fake.close();
    offline = await replay(s);
  }, 60_000);
  afterAll(async () => {
    await s?.fake.close();
    s?.t.cleanup();
  });

  it('every command succeeds without a model server or an API key', () => {
    expect(offline.steps.map((x) => `${x.argv[0]} ${x.result.code}`)).toEqual([
      'init 0',
      'idea 0',
      'plan 0',
      'status 0',
      'status 0',
      'run 0',
    ]);
  });

  it('ends with the same files, byte for byte', () => {
    expect(treeFiles(s.fresh)).toEqual(treeFiles(s.repo));
    expect(Object.keys(treeFiles(s.fresh))).toEqual(
      expect.arrayContaining(['src/add.js', 'test/cli.test.js']),
    );
  });

  it('ends with the same commits and trailers', () => {
    expect(commitLines(s.fresh)).toEqual(commitLines(s.repo));
    expect(stepTrailers(s.fresh)).toEqual([1, 2]);
  });

  it('prints the same results on stdout', () => {
    const out = (w: WalkthroughResult) => w.steps.map((x) => x.result.stdout.replaceAll(s.t.dir, '<tmp>'));
    expect(out(offline).map((o) => o.replace('/fresh/', '/repo/'))).toEqual(out(s.walk));
  });
});
