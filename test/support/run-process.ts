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
// An absolute loader URL: `--import tsx` would resolve the package from the member's cwd.
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Member {
  pid: number;
  /** Resolves when the process exits. */
  done: Promise<ProcResult>;
  stderr(): string;
}

/**
 * Start specloop as a real process (the built binary; src through tsx with
 * SPECLOOP_TEST_FROM_SOURCE=1) and return at once, so tests can run several and kill one.
 */
export function startSpecloop(
  argv: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Member {
  const args = process.env.SPECLOOP_TEST_FROM_SOURCE ? ['--import', TSX, ENTRY, ...argv] : [BIN, ...argv];
  const child = spawn(process.execPath, args, {
    cwd: o.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 90_000);
  const done = new Promise<ProcResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { pid: child.pid as number, done, stderr: () => stderr };
}

/**
 * Run specloop as a real process to its end (kill -9 needs one): {@link startSpecloop},
 * awaited, with a 60 s limit unless `timeoutMs` says otherwise.
 */
export function runProcess(
  argv: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ProcResult> {
  return startSpecloop(argv, { ...o, timeoutMs: o.timeoutMs ?? 60_000 }).done;
}
