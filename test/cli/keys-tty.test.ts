import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { BIN } from '../support/cli.js';
import { tempDir } from '../support/repo.js';

// The hidden prompt needs a real terminal: drive the built binary inside tmux.
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(session: string, text: string, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (screen.includes(text)) return screen;
    if (Date.now() > end) throw new Error(`"${text}" never appeared; screen:\n${screen}`);
    await sleep(100);
  }
}

const cleanups = useCleanups();

describe.skipIf(!hasTmux)('specloop keys set on a terminal', () => {
  it('asks with a hidden prompt and never echoes the key', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const session = `specloop-keys-${process.pid}`;
    const cmd = `SPECLOOP_HOME='${t.dir}' '${process.execPath}' '${BIN}' keys set openai; echo EXIT=$?; sleep 30`;
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '20', cmd);
    cleanups.push(() => tmux('kill-session', '-t', session));
    await waitFor(session, 'API key for openai');
    tmux('send-keys', '-t', session, 'sk-typed-secret', 'Enter');
    const screen = await waitFor(session, 'EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(screen).not.toContain('sk-typed-secret');
    const file = join(t.dir, 'keys.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ openai: 'sk-typed-secret' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
