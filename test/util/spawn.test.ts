import { describe, expect, it } from 'vitest';
import { run } from '../../src/util/spawn.js';

describe('run()', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const r = await run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { cwd: process.cwd() });
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    const r = await run('sh', ['-c', 'sleep 30 & sleep 30'], { cwd: process.cwd(), timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills at once when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const started = Date.now();
    const r = await run('sleep', ['30'], { cwd: process.cwd(), signal: ac.signal });
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
