import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const ENTRY = fileURLToPath(new URL('./run-source-entry.mjs', import.meta.url));
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/**
 * Run specloop as a real process (kill -9 needs one). Uses the built binary like runBin;
 * with SPECLOOP_TEST_FROM_SOURCE=1 it runs src/ through tsx instead (no build needed).
 */
export function runProcess(
  argv: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ProcResult> {
  const args = process.env.SPECLOOP_TEST_FROM_SOURCE ? ['--import', TSX, ENTRY, ...argv] : [BIN, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: o.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
