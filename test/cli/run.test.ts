import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir, writeFiles } from '../support/repo.js';
import {
  AGENT_TOOLS,
  agentHandler,
  history,
  makeProject,
  stepFiles,
  TITLES,
  ticked,
} from '../support/run-fixtures.js';

describe('specloop run (builtin agent, fake LLM server)', () => {
  const cleanups = useCleanups();
  const project = (o: Parameters<typeof makeProject>[1] = {}) => {
    const t = tempDir('specloop-run-');
    cleanups.push(t.cleanup);
    return makeProject(t.dir, o);
  };
  const fake = async (replies: Parameters<typeof startFakeLlm>[0]) => {
    const f = await startFakeLlm(replies);
    cleanups.push(() => f.close());
    return f;
  };
  const run = (dir: string, f: FakeLlm | undefined, args: string[] = []) =>
    runCli(['run', ...args], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...f?.env() } });

  it('runs every step: one commit per step with trailers, todo.md fully ticked, on specloop/<plan>', async () => {
    const dir = project();
    const f = await fake(agentHandler());
    const r = await run(dir, f);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('specloop/prompt_plan');
    expect(history(dir)).toEqual([
      'initial||',
      'specloop: add plan||',
      `step 1: ${TITLES[0]}|1|prompt_plan`,
      `step 2: ${TITLES[1]}|2|prompt_plan`,
      `step 3: ${TITLES[2]}|3|prompt_plan`,
    ]);
    expect(ticked(dir)).toEqual([1, 2, 3]);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // Each step's commit holds its own files and the tick, nothing of specloop's state.
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'src/step3.js',
      'test/step3.test.js',
      'todo.md',
    ]);
    // …and what its attempts used, for every clone's board (the journal stays in this checkout).
    expect(git(dir, 'log', '-1', '--format=%B', 'HEAD')).toMatch(
      /\nSpecloop-Step: 3\nSpecloop-Plan: prompt_plan\nSpecloop-Attempts: 1\nSpecloop-Tokens: \d+ in, \d+ out\nSpecloop-Cost: 0\.\d+$/,
    );
    expect(f.unexpected).toEqual([]);
  });

  it('a --llm-record file inside the repo is neither dirty work nor part of any step commit', async () => {
    const dir = project();
    const f = await fake(agentHandler());
    const r = await runCli(['--llm-record', 'session.jsonl', 'run', '--until', '2'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), ...f.env() },
    });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    const committed = git(dir, 'log', '--name-only', '--format=').split('\n');
    expect(committed).not.toContain('session.jsonl');
    expect(git(dir, 'status', '--porcelain')).toBe('?? session.jsonl');
  });

  it('gives the executor the spec, the plan overview and the steps done so far', async () => {
    const dir = project();
    writeFiles(dir, { 'spec.md': '# Spec\n\nThe demo returns numbers.\n' });
    const f = await fake(agentHandler());
    expect((await run(dir, f, ['--until', '2'])).code).toBe(0);
    const step2 = f.requests.find((q) =>
      /step 2 \(/.test(q.messages.find((m) => m.role === 'user')?.content ?? ''),
    );
    const prompt = step2?.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(prompt).toContain('The demo returns numbers.');
    expect(prompt).toContain('Build tiny step functions');
    expect(prompt).toContain(`- step 1: ${TITLES[0]}`);
    expect(step2?.tools.sort()).toEqual(AGENT_TOOLS);
    expect(ticked(dir)).toEqual([1, 2]);
  });

  it('retries a failing step with the failing output and packed files, then commits it', async () => {
    const dir = project({ titles: ['Only'] });
    const f = await fake(agentHandler((_step, retry) => !retry));
    const r = await run(dir, f, ['--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0]).toMatchObject({ step: 1, ok: true, attempts: 2 });
    const retry = f.requests
      .map((q) => q.messages.find((m) => m.role === 'user')?.content ?? '')
      .find((c) => /attempt 2 of 3/.test(c));
    expect(retry).toContain('the test command failed');
    expect(retry).toMatch(/step1/); // failing output and the packed file
    expect(retry).toContain('return -1');
    expect(history(dir).at(-1)).toBe('step 1: Only|1|prompt_plan');
    expect(readFileSync(join(dir, 'src/step1.js'), 'utf8')).toContain('return 1');
  });

  it('a step that never passes stops with exit 1, its work uncommitted and a hint how to continue', async () => {
    const dir = project();
    const f = await fake(agentHandler(() => true));
    const r = await run(dir, f, ['--max-attempts', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('specloop run --step 1');
    expect(r.stderr).toContain('git checkout');
    expect(r.stderr).toContain("step 1's work is left uncommitted in the tree");
    expect(history(dir)).toEqual(['initial||', 'specloop: add plan||']);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toContain('src/step1.js');
    expect(ticked(dir)).toEqual([]);
    const journal = JSON.parse(readFileSync(join(dir, '.specloop/run.json'), 'utf8'));
    expect(journal.plans.prompt_plan.active).toMatchObject({ step: 1, phase: 'failed' });
  });

  it('after a hand fix, `run --step N` checks the work in the tree first and commits it without the model', async () => {
    const dir = project();
    const f = await fake(agentHandler(() => true));
    expect((await run(dir, f, ['--max-attempts', '1'])).code).toBe(1);
    writeFiles(dir, stepFiles(1)); // the human fixes it
    const before = f.requests.length;
    const r = await run(dir, f, ['--step', '1']);
    expect(r.code).toBe(0);
    expect(f.requests.length).toBe(before);
    expect(history(dir).at(-1)).toBe(`step 1: ${TITLES[0]}|1|prompt_plan`);
    expect(ticked(dir)).toEqual([1]);
  });

  it('--next runs one step; a second run continues with the next one', async () => {
    const dir = project();
    const f = await fake(agentHandler());
    expect((await run(dir, f, ['--next'])).code).toBe(0);
    expect(ticked(dir)).toEqual([1]);
    expect((await run(dir, f, ['--next'])).code).toBe(0);
    expect(ticked(dir)).toEqual([1, 2]);
    expect(git(dir, 'log', '--format=%s', '-1')).toBe(`step 2: ${TITLES[1]}`);
  });

  it('refuses a done step (exit 2) and says which commit did it', async () => {
    const dir = project();
    const f = await fake(agentHandler());
    await run(dir, f, ['--next']);
    const r = await run(dir, f, ['--step', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step 1 is already done \(commit [0-9a-f]{10}\)/);
  });

  it('says there is nothing to do when every step is done', async () => {
    const dir = project();
    const f = await fake(agentHandler());
    await run(dir, f);
    const r = await run(dir, f);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing to do: 3/3 steps');
  });

  it('refuses path escapes and .git writes; the model sees each refusal and no file is written', async () => {
    const dir = project({ titles: ['Only'] });
    const outside = tempDir('specloop-outside-');
    cleanups.push(outside.cleanup);
    symlinkSync(outside.dir, join(dir, 'out'));
    git(dir, 'add', 'out');
    git(dir, 'commit', '-qm', 'a symlink leading out');
    const f = await fake([
      {
        toolCalls: [
          { name: 'write_file', input: { path: 'out/pwned.txt', content: 'x' } },
          { name: 'write_file', input: { path: '../escaped.txt', content: 'x' } },
          { name: 'write_file', input: { path: join(dir, '..', 'abs.txt'), content: 'x' } },
          { name: 'write_file', input: { path: '.git/hooks/pre-commit', content: 'x' } },
          { name: 'read_file', input: { path: '/etc/passwd' } },
        ],
      },
      {
        toolCalls: Object.entries(stepFiles(1)).map(([path, content]) => ({
          name: 'write_file',
          input: { path, content },
        })),
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
    ]);
    const r = await run(dir, f);
    expect(r.code).toBe(0);
    const toolResults = f.requests[1]?.messages
      .filter((m) => m.role === 'tool')
      .map((m) => m.content)
      .join('\n');
    expect(toolResults).toContain('paths with ".." are refused');
    expect(toolResults).toContain('absolute paths are refused');
    expect(toolResults).toContain('paths under .git/ are refused');
    expect(toolResults).toContain('out/pwned.txt resolves outside the repository');
    expect(existsSync(join(outside.dir, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(dir, '..', 'escaped.txt'))).toBe(false);
    expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('model output that is not valid tool calls is a failed attempt with the reason, never a corrupt file', async () => {
    const dir = project({ titles: ['Only'] });
    writeFiles(dir, { 'src/step1.js': 'export const keep = 1;\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'existing file');
    const bad = { toolCalls: [{ name: 'write_file', input: { path: 'src/step1.js' } }] };
    const f = await fake([bad, bad, bad, 'I think I am done!', 'Really done.']);
    const r = await run(dir, f, ['--max-attempts', '2', '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0].reason).toMatch(/without tool calls/);
    expect(r.stderr).toMatch(/invalid tool calls in a row \(invalid arguments for write_file: content/);
    expect(readFileSync(join(dir, 'src/step1.js'), 'utf8')).toBe('export const keep = 1;\n');
  });

  it('a garbled model response is a failed attempt ("model error"), the run stops with exit 1', async () => {
    const dir = project({ titles: ['Only'] });
    const f = await fake([{ fault: 'malformed' }]);
    const r = await run(dir, f, ['--max-attempts', '1', '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.steps[0].reason).toMatch(/^model error: /);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // Nothing was left in the tree, so the hint does not talk about uncommitted work; the model
    // failed, not the step's prompt.
    expect(summary.hint).toMatch(
      /^the model endpoint kept failing after its retries .*specloop run --step 1/,
    );
    expect(summary.hint).not.toMatch(/uncommitted/);
  });

  it('edit_file errors (missing / ambiguous match, file not read) reach the model', async () => {
    const dir = project({ titles: ['Only'] });
    writeFiles(dir, { 'src/step1.js': 'export function step1() {\n  return 0; // 0\n}\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'stub');
    const edit = (old_string: string, new_string: string) => ({
      name: 'edit_file',
      input: { path: 'src/step1.js', old_string, new_string },
    });
    const f = await fake([
      { toolCalls: [edit('return 0', 'return 1')] },
      {
        toolCalls: [
          { name: 'read_file', input: { path: 'src/step1.js' } },
          edit('0', '1'),
          edit('return 7', 'x'),
        ],
      },
      {
        toolCalls: [
          edit('return 0;', 'return 1;'),
          {
            name: 'write_file',
            input: { path: 'test/step1.test.js', content: stepFiles(1)['test/step1.test.js'] },
          },
          { name: 'run_tests', input: {} },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'fixed' } }] },
    ]);
    const r = await run(dir, f);
    expect(r.code).toBe(0);
    const tools = (i: number) =>
      f.requests[i]?.messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content)
        .join('\n') ?? '';
    expect(tools(1)).toContain('read src/step1.js with read_file before editing it');
    expect(tools(2)).toContain('occurs 2 times');
    expect(tools(2)).toContain('old_string was not found');
    expect(tools(3)).toContain('PASSED');
    expect(readFileSync(join(dir, 'src/step1.js'), 'utf8')).toContain('return 1; // 0');
  });
});
