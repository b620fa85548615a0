import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { status as gitStatus } from '../../../src/core/git/index.js';
import {
  commitStep as commitStepG,
  doneSteps,
  landedSteps,
  parseStepUsage,
  recordLanding,
  stepMessage,
  usageOf,
} from '../../../src/core/run/index.js';
import { useCleanups } from '../../support/cleanups.js';
import { git, initRepo, tempDir, writeFiles } from '../../support/repo.js';
import { todoText } from '../../support/run-fixtures.js';

const G = { env: process.env };
const status = (dir: string, o: { exclude?: string[]; paths?: string[] } = {}) =>
  gitStatus(dir, { ...G, ...o });
const commitStep = (dir: string, o: Omit<Parameters<typeof commitStepG>[1], 'env'>) =>
  commitStepG(dir, { ...G, ...o });
const trailerSteps = (dir: string, o: { planId: string; todoRel?: string; workingTodo?: string }) =>
  landedSteps(G, { dir, ...o });

describe('landed steps: the one definition of done', () => {
  const cleanups = useCleanups();
  const repo = (files: Record<string, string> = {}) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return initRepo(t.dir, files);
  };
  const T = ['A', 'B', 'C'];

  it('stepMessage puts the subject first and both trailers last', () => {
    expect(stepMessage({ step: 2, title: 'Add  the\nparser', planId: 'prompt_plan' })).toBe(
      'step 2: Add the parser\n\nSpecloop-Step: 2\nSpecloop-Plan: prompt_plan\n',
    );
  });

  it("stepMessage carries the step context's `Commit message:` lines (issues pull → Fixes #N)", () => {
    const context = 'Fix the crash.\n\nCommit message: Fixes #12\n';
    expect(stepMessage({ step: 1, title: 'Crash', planId: 'issues', context })).toBe(
      'step 1: Crash\n\nFixes #12\n\nSpecloop-Step: 1\nSpecloop-Plan: issues\n',
    );
  });

  it('stepMessage writes what the attempts used after Step and Plan: attempts, tokens in/out, USD cost', () => {
    const usage = usageOf({
      attempts: 2,
      inputTokens: 1234,
      outputTokens: 567,
      usageKnown: true,
      cost: 0.0123,
      costKnown: true,
    });
    expect(stepMessage({ step: 3, title: 'Lexer', planId: 'prompt_plan', body: 'Did it.', usage })).toBe(
      'step 3: Lexer\n\nDid it.\n\nSpecloop-Step: 3\nSpecloop-Plan: prompt_plan\n' +
        'Specloop-Attempts: 2\nSpecloop-Tokens: 1234 in, 567 out\nSpecloop-Cost: 0.0123\n',
    );
    // Plain decimals, never an exponent; a known 0 (a free model) is 0.
    expect(
      stepMessage({ step: 1, title: 'A', planId: 'p', usage: { attempts: 1, cost: 0.0000004 } }),
    ).toContain('Specloop-Cost: 0\n');
    expect(stepMessage({ step: 1, title: 'A', planId: 'p', usage: { attempts: 1, cost: 1.5 } })).toContain(
      'Specloop-Cost: 1.5\n',
    );
  });

  it('usage the executor did not report is `unknown`, never 0; an unknown cost is left out', () => {
    const usage = usageOf({
      attempts: 1,
      inputTokens: 0,
      outputTokens: 0,
      usageKnown: false,
      cost: 0,
      costKnown: true,
    });
    expect(usage).toEqual({ attempts: 1 });
    expect(stepMessage({ step: 2, title: 'B', planId: 'p', usage })).toBe(
      'step 2: B\n\nSpecloop-Step: 2\nSpecloop-Plan: p\nSpecloop-Attempts: 1\nSpecloop-Tokens: unknown\n',
    );
    // Tokens without a price: the tokens, no cost.
    expect(
      usageOf({ attempts: 3, inputTokens: 10, outputTokens: 5, usageKnown: true, cost: 0, costKnown: false }),
    ).toEqual({ attempts: 3, tokens: { input: 10, output: 5 } });
    // No attempt ran in this process (work found in the tree): no usage trailers at all.
    expect(
      usageOf({ attempts: 0, inputTokens: 0, outputTokens: 0, usageKnown: true, cost: 0, costKnown: true }),
    ).toBeUndefined();
  });

  it('parseStepUsage reads the trailers back; anything else is no usage', () => {
    expect(parseStepUsage({ attempts: '2', tokens: '1234 in, 567 out', cost: '0.0123' })).toEqual({
      attempts: 2,
      tokens: { input: 1234, output: 567 },
      cost: 0.0123,
    });
    expect(parseStepUsage({ attempts: '1', tokens: 'unknown' })).toEqual({ attempts: 1 });
    expect(parseStepUsage({ attempts: '', tokens: '1 in, 2 out' })).toBeUndefined();
    expect(parseStepUsage({ attempts: 'two' })).toBeUndefined();
    expect(parseStepUsage({ attempts: '1', cost: '-3' })).toEqual({ attempts: 1 });
  });

  it('a landed step carries the usage its commit says, and the trailers break no other reading of it', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const usage = { attempts: 2, tokens: { input: 100, output: 20 }, cost: 0.25 };
    const sha = await commitStep(dir, { step: 1, title: 'A', todoPath: 'todo.md', planId: 'p', usage });
    writeFiles(dir, { 'b.txt': 'b' });
    await commitStep(dir, { step: 2, title: 'B', todoPath: 'todo.md', planId: 'p' });
    const landed = await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' });
    expect(landed.get(1)).toMatchObject({ commit: sha, usage });
    expect(landed.get(2)?.usage).toBeUndefined();
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Specloop-Step,valueonly)', sha)).toBe('1');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Specloop-Plan,valueonly)', sha)).toBe('p');
  });

  it('commitStep ticks the box and commits it together with the work, under both trailers', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const sha = await commitStep(dir, { step: 1, title: 'A', todoPath: 'todo.md', planId: 'p' });
    expect(git(dir, 'log', '-1', '--format=%B', sha)).toBe('step 1: A\n\nSpecloop-Step: 1\nSpecloop-Plan: p');
    expect(git(dir, 'show', '--name-only', '--format=', sha)).toBe('a.txt\ntodo.md');
    expect(git(dir, 'show', 'HEAD:todo.md')).toContain('- [x] Step 1: A');
  });

  it('commitStep leaves .specloop/ out of the commit', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a', '.specloop/run.json': '{}' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('a.txt\ntodo.md');
    expect(await status(dir, { exclude: ['.specloop'] })).toEqual([]);
  });

  it('landedSteps finds trailer commits of the plan only', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    writeFiles(dir, { 'b.txt': 'b' });
    await commitStep(dir, { step: 2, planId: 'other' });
    const found = await trailerSteps(dir, { planId: 'p' });
    expect([...found.keys()]).toEqual([1]);
    expect(found.get(1)?.subject).toBe('step 1: step 1');
  });

  it('a committed todo with nothing ticked starts a new plan: older trailer commits do not count', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    expect([...(await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' })).keys()]).toEqual([1]);
    writeFiles(dir, { 'todo.md': todoText(['X', 'Y']) });
    git(dir, 'commit', '-qam', 'new plan');
    expect((await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' })).size).toBe(0);
    writeFiles(dir, { 'b.txt': 'b' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    expect([...(await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' })).keys()]).toEqual([1]);
  });

  it('an uncommitted fresh todo (nothing ticked) also means a new plan', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    const fresh = todoText(['X']);
    expect((await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md', workingTodo: fresh })).size).toBe(0);
  });

  it('a todo that only lost a tick keeps its trailer steps (they get re-ticked)', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    writeFiles(dir, { 'b.txt': 'b' });
    await commitStep(dir, { step: 2, todoPath: 'todo.md', planId: 'p' });
    writeFiles(dir, { 'todo.md': todoText(T, [2]) });
    git(dir, 'commit', '-qam', 'lost the tick of step 1');
    expect([...(await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' })).keys()].sort()).toEqual([1, 2]);
  });

  it('a step whose commit was reverted (git revert) is not landed; reverting the revert lands it again', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    writeFiles(dir, { 'b.txt': 'b' });
    const two = await commitStep(dir, { step: 2, todoPath: 'todo.md', planId: 'p' });
    git(dir, 'revert', '--no-edit', two);
    expect([...(await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' })).keys()]).toEqual([1]);
    git(dir, 'revert', '--no-edit', 'HEAD');
    const again = await trailerSteps(dir, { planId: 'p', todoRel: 'todo.md' });
    expect([...again.keys()].sort()).toEqual([1, 2]);
    expect(again.get(2)?.commit).toBe(two);
  });

  it("specloop's own undo (a Specloop-Revert trailer) takes a step back; landing it again counts the new commit", async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const one = await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    git(dir, 'revert', '--no-commit', one);
    git(dir, 'commit', '-q', '-m', `undo step 1\n\nSpecloop-Revert: ${one}`);
    expect((await trailerSteps(dir, { planId: 'p' })).size).toBe(0);
    writeFiles(dir, { 'a.txt': 'a2' });
    const redo = await commitStep(dir, { step: 1, planId: 'p' });
    expect((await trailerSteps(dir, { planId: 'p' })).get(1)?.commit).toBe(redo);
  });

  it('a step landed twice counts its first landing', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const first = await commitStep(dir, { step: 1, planId: 'p' });
    writeFiles(dir, { 'a.txt': 'b' });
    await commitStep(dir, { step: 1, planId: 'p' });
    expect((await trailerSteps(dir, { planId: 'p' })).get(1)?.commit).toBe(first);
  });

  it('status lists every untracked file (not folders) and honours excludes', async () => {
    const dir = repo();
    writeFiles(dir, { 'src/a/b.js': '', 'src/c.js': '', '.specloop/run.json': '' });
    expect((await status(dir, { exclude: ['.specloop'] })).map((e) => e.path).sort()).toEqual([
      'src/a/b.js',
      'src/c.js',
    ]);
    expect((await status(dir, { paths: ['src/c.js'] })).map((e) => e.path)).toEqual(['src/c.js']);
  });

  /** An env whose `git` only writes down that it was asked (and fails): a look served from memory asks nothing. */
  const noGit = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const log = join(t.dir, 'calls.log');
    writeFileSync(log, '');
    writeFileSync(join(t.dir, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexit 1\n`, { mode: 0o755 });
    return {
      env: { ...process.env, PATH: `${t.dir}:${process.env.PATH}` },
      calls: () => readFileSync(log, 'utf8'),
    };
  };

  it("a landing recorded from its parent's answer equals the full computation, and is then answered without git", async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const parent = await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    const o = { dir, planId: 'p', todoRel: 'todo.md' };
    await landedSteps(G, { ...o, ref: parent }); // the integration queue's exactly-once look
    writeFiles(dir, { 'b.txt': 'b' });
    const commit = await commitStep(dir, { step: 2, todoPath: 'todo.md', planId: 'p' });
    const todo = git(dir, 'show', `${commit}:todo.md`);
    await recordLanding(G, { ...o, parent, commit, todoText: `${todo}\n` });
    const none = noGit();
    const fromMemory = await doneSteps(none, { ...o, ref: commit });
    expect(none.calls()).toBe('');
    // The same repository under another name is another cache key: computed from scratch.
    const computed = await doneSteps(G, { ...o, dir: `${dir}/.`, ref: commit });
    expect([...fromMemory.keys()].sort()).toEqual([1, 2]);
    expect(fromMemory).toEqual(computed);
    expect(fromMemory.get(2)?.commit).toBe(commit);
    expect(fromMemory.get(2)?.author).toBe(git(dir, 'log', '-1', '--format=%an', commit));
  });

  it('a recorded landing of another shape (two commits on the parent, a revert) falls back to the full computation', async () => {
    const dir = repo({ 'todo.md': todoText(T) });
    writeFiles(dir, { 'a.txt': 'a' });
    const one = await commitStep(dir, { step: 1, todoPath: 'todo.md', planId: 'p' });
    const o = { dir, planId: 'p', todoRel: 'todo.md' };
    await landedSteps(G, { ...o, ref: one });
    writeFiles(dir, { 'b.txt': 'b' });
    const two = await commitStep(dir, { step: 2, todoPath: 'todo.md', planId: 'p' });
    git(dir, 'revert', '--no-edit', two);
    const tip = git(dir, 'rev-parse', 'HEAD');
    await recordLanding(G, { ...o, parent: one, commit: tip, todoText: git(dir, 'show', `${tip}:todo.md`) });
    const got = await landedSteps(G, { ...o, ref: tip });
    expect([...got.keys()]).toEqual([1]);
    expect(got).toEqual(await landedSteps(G, { ...o, dir: `${dir}/.`, ref: tip }));
  });
});
