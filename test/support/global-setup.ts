import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Build dist/ once per test run, so tests that need a real process (exit codes,
 * signals, tmux) run the same bundle a user gets from `npm ci`.
 */
export default function setup(): void {
  if (process.env.SPECLOOP_TEST_NO_BUILD) return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}
