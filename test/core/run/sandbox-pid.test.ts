import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTests } from '../../../src/core/run/test-runner.js';
import { sandboxAvailable } from '../../../src/util/sandbox.js';
import { useCleanups } from '../../support/cleanups.js';
import { makeTestContext } from '../../support/context.js';

const bwrap = sandboxAvailable(process.env);
const beat = (dir: string) => readFileSync(join(dir, 'beat'), 'utf8');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A sandboxed test run lives in its own PID namespace: a helper it starts in a new session
 * (setsid, out of the process group the run kills) dies with it all the same.
 */
describe.skipIf(!bwrap.available)('sandboxed test runs and their detached children', () => {
  const cleanups = useCleanups();

  it('a setsid grandchild dies when the test run is killed (timeout)', async () => {
    const dir = cleanups.tmp('specloop-sandbox-pid-');
    const ctx = makeTestContext({ cwd: dir, home: cleanups.tmp(), config: { test: { sandbox: true } } });
    // The helper writes a heartbeat every 50 ms for a minute; the test command itself hangs.
    const command =
      "setsid sh -c 'i=0; while [ $i -lt 1200 ]; do i=$((i+1)); echo $i > beat; sleep 0.05; done' </dev/null >/dev/null 2>&1 & sleep 30";
    const r = await runTests(ctx, { cwd: dir, command, timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    await pause(300);
    const last = beat(dir);
    await pause(400);
    expect(beat(dir)).toBe(last); // no heartbeat after the kill: the helper is gone
  });
});
