import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import {
  agentHandler,
  FIXTURE_TEST_CMD,
  history,
  makeProject,
  TITLES,
  ticked,
} from '../support/run-fixtures.js';
import { answer, boardAction, boardIn, pendingIn, waitForReview } from './review-support.js';

/** The prompt files of a step's attempts in the run records, attempt number → text. */
function recordedPrompts(dir: string, step: number): Map<number, string> {
  const out = new Map<number, string>();
  const runs = join(dir, '.specloop', 'runs');
  for (const run of readdirSync(runs).filter((r) => !r.startsWith('.'))) {
    const s = join(runs, run, `step-${step}`);
    if (!existsSync(s)) continue;
    for (const a of readdirSync(s)) {
      const f = join(s, a, 'prompt.md');
      if (existsSync(f)) out.set(Number(a.replace('attempt-', '')), readFileSync(f, 'utf8'));
    }
  }
  return out;
}

describe('run --review without a terminal waits for `specloop board`', () => {
  const cleanups = useCleanups();

  it('accept, reject with a comment (the next prompt carries it) and stop, answered through the board', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-board-'));
    const home = join(dir, '.home');
    const fake = await cleanups.fakeLlm(agentHandler());
    const board = await boardIn(dir, home);
    cleanups.push(() => board.close());
    const run = runCli(['run', '--review'], { cwd: dir, env: { SPECLOOP_HOME: home, ...fake.env() } });

    const p1 = await waitForReview(dir, 1, { running: run });
    expect(p1.stat).toMatch(/src\/step1\.js +\| 3 \+\+\+/);
    expect(p1.test).toMatchObject({ ok: true, command: FIXTURE_TEST_CMD });
    expect(p1.diff).toContain('+export function step1() {');
    // The board shows it in the Review column, with the question's id.
    const fresh = await board.model.refresh();
    expect(fresh.cards.find((c) => c.step === 1)).toMatchObject({ column: 'review', review: { id: p1.id } });
    // Nothing is committed while the step waits.
    expect(history(dir)).toEqual(['initial||', 'specloop: add plan||']);
    const ok = await boardAction(board, 'review', { step: 1, id: p1.id, action: 'accept' });
    expect(ok, JSON.stringify(ok.json)).toMatchObject({
      status: 200,
      json: { message: 'step 1 accepted by board' },
    });

    const p2 = await waitForReview(dir, 2, { running: run });
    const empty = await boardAction(board, 'review', { step: 2, id: p2.id, action: 'reject', comment: '  ' });
    expect(empty.status).toBe(400);
    expect(String(empty.json.error)).toContain('a rejection needs a comment');
    const no = await boardAction(board, 'review', {
      step: 2,
      id: p2.id,
      action: 'reject',
      comment: 'name the constant TWO',
    });
    expect(no.status).toBe(200);
    const p2b = await waitForReview(dir, 2, { attempt: 2, running: run });
    expect(p2b.id).not.toBe(p2.id);
    // The page still showing attempt 1 cannot decide attempt 2.
    const stale = await boardAction(board, 'review', { step: 2, id: p2.id, action: 'accept' });
    expect(stale.status).toBe(400);
    expect(String(stale.json.error)).toContain('out of date');
    await answer(dir, p2b, { action: 'accept' });

    const p3 = await waitForReview(dir, 3, { running: run });
    await answer(dir, p3, { action: 'stop' });
    const r = await run;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('waiting for review in `specloop board`');
    expect(r.stderr).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/#\/step\/1/);
    expect(r.stderr).toContain('step 2: rejected by board: name the constant TWO');
    expect(r.stderr).toContain('resume with: specloop run --review');
    expect(ticked(dir)).toEqual([1, 2]);
    expect(history(dir).slice(2)).toEqual([
      `step 1: ${TITLES[0]}|1|prompt_plan`,
      `step 2: ${TITLES[1]}|2|prompt_plan`,
    ]);
    // The rejection is the next attempt's feedback: in the run record and in what the model got.
    const prompts = recordedPrompts(dir, 2);
    expect(prompts.get(1)).not.toContain('name the constant TWO');
    expect(prompts.get(2)).toContain('a reviewer rejected this change: name the constant TWO');
    expect(
      fake.requests.some((q) =>
        q.messages.some((m) => m.content.includes('a reviewer rejected this change: name the constant TWO')),
      ),
    ).toBe(true);
    // Step 3's work is left in the tree; no question is left waiting.
    expect(existsSync(join(dir, 'src', 'step3.js'))).toBe(true);
    expect(pendingIn(dir)).toEqual([]);
  }, 120_000);

  it('without a board running it says how to start one; Ctrl-C while waiting leaves nothing half-done, and the next run asks again', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-int-'), { titles: [TITLES[0] as string] });
    const home = join(dir, '.home');
    const fake = await cleanups.fakeLlm(agentHandler());
    const env = { SPECLOOP_HOME: home, ...fake.env() };
    const ac = new AbortController();
    const run = runCli(['run', '--review'], { cwd: dir, env, signal: ac.signal });
    await waitForReview(dir, 1, { running: run });
    ac.abort();
    const r = await run;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'waiting for review in `specloop board` … start it in this repository: specloop board --open',
    );
    expect(pendingIn(dir)).toEqual([]);
    expect(history(dir)).toEqual(['initial||', 'specloop: add plan||']);
    expect(existsSync(join(dir, 'src', 'step1.js'))).toBe(true);

    const again = runCli(['run', '--review'], { cwd: dir, env });
    const p = await waitForReview(dir, 1, { running: again });
    // The work left in the tree is checked first (attempt 0) and offered for review again.
    expect(p.attempt).toBe(0);
    await answer(dir, p, { action: 'accept' });
    const done = await again;
    expect(done.code, done.stderr).toBe(0);
    expect(ticked(dir)).toEqual([1]);
    expect(pendingIn(dir)).toEqual([]);
  }, 120_000);

  it('[run] review = true turns the gate on without the flag; --no-review turns it off', async () => {
    const dir = makeProject(cleanups.tmp('specloop-review-config-'), {
      titles: TITLES.slice(0, 2),
      toml: '\n[run]\nreview = true\n',
    });
    const fake = await cleanups.fakeLlm(agentHandler());
    const env = { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() };
    const run = runCli(['run', '--until', '1'], { cwd: dir, env });
    const p = await waitForReview(dir, 1, { running: run });
    expect(history(dir)).toEqual(['initial||', 'specloop: add plan||']);
    await answer(dir, p, { action: 'accept' });
    expect((await run).code).toBe(0);
    const off = await runCli(['run', '--no-review'], { cwd: dir, env });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).not.toContain('waiting for review');
    expect(ticked(dir)).toEqual([1, 2]);
  }, 120_000);
});
