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

/**
 * Short untracked children (local git plumbing) start from the small starter process once a
 * few have been made: each answer must be the one a spawn from here gives, and the starter
 * going away must cost nothing but speed.
 */
describe('run() through the starter', () => {
  const env = { PATH: process.env.PATH };
  const untracked = (script: string, o: Partial<Parameters<typeof run>[2]> = {}) =>
    run('sh', ['-c', script], { cwd: process.cwd(), env, track: false, ...o });
  /** The pid of the process that started an untracked child, once the starter is up. */
  async function starterPid(): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const ppid = Number((await untracked('echo $PPID')).stdout);
      if (ppid !== process.pid) return ppid;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the starter never came up');
  }

  it('gives what a spawn from here gives: output, exit code, input, errors', async () => {
    await starterPid();
    expect(await untracked('echo out; echo err >&2; exit 3')).toMatchObject({
      code: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
    });
    expect((await untracked('cat', { input: 'given\n' })).stdout).toBe('given\n');
    expect((await untracked('pwd', { cwd: '/' })).stdout).toBe('/\n');
    expect((await untracked('echo "$ONLY_HERE"', { env: { ...env, ONLY_HERE: 'yes' } })).stdout).toBe(
      'yes\n',
    );
    const missing = run('no-such-command-specloop', [], { cwd: process.cwd(), env, track: false });
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('kills the whole group on timeout and on abort', async () => {
    await starterPid();
    const started = Date.now();
    const r = await untracked('sleep 30 & sleep 30', { timeoutMs: 200 });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect((await untracked('sleep 30', { signal: ac.signal })).signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a Ctrl-C or a closed terminal (signals to our group) does not stop it: it leaves with us', async () => {
    const pid = await starterPid();
    for (const sig of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) process.kill(pid, sig);
    await new Promise((r) => setTimeout(r, 100));
    expect(Number((await untracked('echo $PPID')).stdout)).toBe(pid);
  });

  it('a starter that died leaves every call working, started from here', async () => {
    const pid = await starterPid();
    process.kill(pid, 'SIGKILL');
    const results = await Promise.all([untracked('sleep 0.2; echo a'), untracked('echo $PPID')]);
    expect(results[0]?.stdout).toBe('a\n');
    expect(Number((await untracked('echo $PPID')).stdout)).toBe(process.pid);
  });
});
