import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allAttempts, stepAttempts, stepRecords } from '../../src/core/board/run-records.js';
import { useCleanups } from '../support/cleanups.js';
import { writeFiles } from '../support/repo.js';

/** The board reads run records by file name, in the layout `specloop run` writes (run/run-record.ts). */
describe('board: run records', () => {
  const cleanups = useCleanups();

  it('reads each attempt: prompt, transcript, test output, diff and the outcome', async () => {
    const repo = cleanups.tmp('specloop-board-records-');
    const a = '.specloop/runs/20261201T120000-7/step-2';
    writeFiles(repo, {
      [`${a}/attempt-1/prompt.md`]: 'Implement the reader.',
      [`${a}/attempt-1/transcript.txt`]: 'wrote src/reader.js',
      [`${a}/attempt-1/test-output.txt`]: 'not ok 1 - reads lines\n# fail 1',
      [`${a}/attempt-1/diff.patch`]: 'diff --git a/src/reader.js b/src/reader.js',
      [`${a}/attempt-1/attempt.json`]: JSON.stringify({
        ok: false,
        reason: 'the test command failed (exit 1)',
        durationMs: 1200,
      }),
      [`${a}/attempt-2/attempt.json`]: JSON.stringify({
        ok: true,
        durationMs: 900,
        testDurationMs: 120,
        testCode: 0,
        usage: { inputTokens: 300, outputTokens: 40 },
        cost: 0.05,
        startedAt: '2026-12-01T12:01:00.000Z',
      }),
      [`${a}/attempt-2/test-output.txt`]: 'ok 1 - reads lines',
    });
    const attempts = await stepAttempts(repo, 2);
    expect(attempts.map((x) => [x.attempt, x.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(attempts[0]).toMatchObject({
      runId: '20261201T120000-7',
      prompt: 'Implement the reader.',
      transcript: 'wrote src/reader.js',
      testOutput: 'not ok 1 - reads lines\n# fail 1',
      reason: 'the test command failed (exit 1)',
      durationMs: 1200,
    });
    expect(attempts[0]?.diff).toContain('src/reader.js');
    // what the board's cards read: the newest attempt of each step
    const latest = new Map([...stepRecords(await allAttempts(repo))].map(([n, r]) => [n, r.last]));
    expect(latest.get(2)).toMatchObject({ attempt: 2, ok: true });
    // Cards need only the outcome: the latest attempt's text files are not read.
    expect(latest.get(2)?.testOutput).toBeUndefined();
    expect(latest.get(2)).toMatchObject({
      testDurationMs: 120,
      testCode: 0,
      inputTokens: 300,
      outputTokens: 40,
      cost: 0.05,
      startedAt: '2026-12-01T12:01:00.000Z',
    });
    expect(await stepAttempts(join(repo, 'nowhere'), 2)).toEqual([]);
  });
});
