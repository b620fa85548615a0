import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContext } from '../../src/cli/context.js';
import { startBoard } from '../../src/core/board/index.js';
import { boardAction } from '../cli/review-support.js';
import { useCleanups } from '../support/cleanups.js';
import { writeFiles } from '../support/repo.js';
import { makeRemote } from '../support/team-fixtures.js';

/** The retry button starts the CLI: which command line it starts (a stand-in CLI records it). */
describe('board actions: retry', () => {
  const cleanups = useCleanups();

  it('on a team board, Retry is `specloop run --team --step N` (the step lands on the remote)', async () => {
    const root = cleanups.tmp('specloop-board-retry-');
    const { clone } = makeRemote(root, [
      { title: 'one', actions: [] },
      { title: 'two', deps: [1], actions: [] },
    ]);
    const dir = clone('alice');
    // Step 1 failed here: its attempts are exhausted in the run records.
    writeFiles(dir, {
      '.specloop/runs/20261201T120000-1/step-1/attempt-3/attempt.json': JSON.stringify({
        ok: false,
        attempt: 3,
        reason: 'the test command failed (exit 1)',
        testCode: 1,
      }),
    });
    const argv = join(root, 'argv.json');
    const cli = join(root, 'fake-cli.js');
    writeFileSync(
      cli,
      `require('node:fs').writeFileSync(${JSON.stringify(argv)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    const io = {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SPECLOOP_HOME: join(root, 'home') },
      cwd: dir,
      stdin: process.stdin,
      stdout: { write: () => {}, isTTY: false },
      stderr: { write: () => {}, isTTY: false },
      signal: new AbortController().signal,
    };
    const board = await startBoard(await buildContext(io, {}, 'board'), {
      host: '127.0.0.1',
      port: 0,
      fetchIntervalSec: 60,
      cli: { command: process.execPath, args: [cli] },
    });
    cleanups.push(() => board.close());
    const state = await board.model.refresh();
    expect(state.team?.remote).toBe('origin');
    expect(state.cards[0]?.column).toBe('failed');
    const r = await boardAction(board, 'retry', { step: 1 });
    expect(r.status).toBe(200);
    expect(r.json.message).toContain('specloop run --team --step 1');
    for (let i = 0; i < 100 && !existsSync(argv); i++) await new Promise((res) => setTimeout(res, 50));
    expect(JSON.parse(readFileSync(argv, 'utf8'))).toEqual(['run', '--team', '--step', '1']);
  });
});
