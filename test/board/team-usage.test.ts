import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardModel } from '../../src/core/board/index.js';
import type { ExecuteFn } from '../../src/core/team/index.js';
import { useCleanups } from '../support/cleanups.js';
import { makeTestContext } from '../support/context.js';
import { git } from '../support/repo.js';
import { type FixtureStep, fakeExecute, makeRemote, teamRun } from '../support/team-fixtures.js';

const PLAN: FixtureStep[] = [
  { title: 'parser', actions: ['WRITE out/parser.txt parser'] },
  { title: 'renderer', actions: ['WRITE out/renderer.txt renderer'] },
  { title: 'docs', actions: ['WRITE out/docs.txt docs'] },
];

/** The stand-in executor, reporting what a priced model would: two attempts, tokens, USD. */
const costly = (): ExecuteFn => {
  const inner = fakeExecute();
  return async (o) => ({
    ...(await inner(o)),
    attempts: 2,
    cost: 0.0123,
    costKnown: true,
    tokens: 1234 + 567,
    usage: { inputTokens: 1234, outputTokens: 567 },
    usageKnown: true,
  });
};

/**
 * A teammate's attempts, tokens and cost reach everyone's board through the step commit's
 * usage trailers: Bob (a priced executor) and Carol (an executor that reports no usage) land
 * steps with `run --team`; Alice's board, which has no journal or run record of either, shows
 * what their commits say — from the fetched integration branch, and after she pulls, from her own.
 */
describe("board: a teammate's cost, from the step commits (bare remote)", () => {
  const cleanups = useCleanups();

  it("member A's board shows member B's tokens and cost on the landed card and in the team chart", async () => {
    const root = cleanups.tmp('specloop-board-usage-');
    const { bare, clone } = makeRemote(root, PLAN);
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(clone) as [string, string, string];
    const home = join(root, 'home');
    const member = (dir: string) => makeTestContext({ cwd: dir, home });
    const opts = { testCommand: 'sh check.sh', leaseSeconds: 5 };
    const b = await teamRun(member(bob), { ...opts, name: 'bob', step: 1 }, { execute: costly() });
    expect(b.exitCode).toBe(0);
    const c = await teamRun(member(carol), { ...opts, name: 'carol', step: 2 }, { execute: fakeExecute() });
    expect(c.exitCode).toBe(0);

    // On the remote: the trailers after Step and Plan ("unknown" for Carol's, no cost).
    const message = (step: number) =>
      git(bare, 'log', '-1', '--format=%B', `--grep=^Specloop-Step: ${step}$`, 'main');
    expect(message(1)).toMatch(
      /\nSpecloop-Step: 1\nSpecloop-Plan: prompt_plan\nSpecloop-Attempts: 2\nSpecloop-Tokens: 1234 in, 567 out\nSpecloop-Cost: 0\.0123$/,
    );
    expect(message(2)).toMatch(/\nSpecloop-Attempts: 1\nSpecloop-Tokens: unknown$/);

    const board = new BoardModel(member(alice));
    const check = async () => {
      const state = await board.refresh();
      const [one, two] = state.cards;
      expect(one).toMatchObject({
        column: 'landed',
        attempt: { k: 2 },
        tokens: { input: 1234, output: 567 },
        cost: 0.0123,
        usageFrom: 'commit',
        landed: { author: 'bob' },
      });
      expect(two).toMatchObject({ column: 'landed', attempt: { k: 1 }, usageFrom: 'commit' });
      expect(two?.tokens).toBeUndefined();
      expect(two?.cost).toBeUndefined();
      const v = await board.teamView();
      expect(v.fromCommits).toEqual({ steps: 2, cost: 0.0123, inputTokens: 1234, outputTokens: 567 });
      expect(v.series.cost.at(-1)).toBe(0.0123);
      expect(v.series.landed.at(-1)).toBe(2);
      const byName = Object.fromEntries(v.members.map((m) => [m.name, m]));
      expect(byName.bob).toMatchObject({ landed: [1], cost: 0.0123 });
      expect(byName.carol?.landed).toEqual([2]);
      expect(byName.carol?.cost).toBeUndefined();
    };
    // Alice's clone has neither landing: the board knows them from the fetched integration branch.
    await board.fetchTeam();
    expect(git(alice, 'log', '--format=%s', 'HEAD')).not.toContain('step 1');
    await check();
    // After she pulls they are on her own branch: the same facts.
    git(alice, 'pull', '-q', '--ff-only');
    await check();
  }, 90_000);
});
