import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/cli/app.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** stdin content; undefined means an empty, non-TTY stdin. */
  stdin?: string;
  stdinIsTTY?: boolean;
  /** Make stderr claim to be a terminal (live progress, end-of-run notification). */
  stderrIsTTY?: boolean;
  signal?: AbortSignal;
}

/**
 * Run the CLI in-process (fast; same code path as the binary minus process wiring).
 * The env is exactly what you pass plus PATH/HOME: tests stay hermetic.
 */
export async function runCli(argv: string[], opts: RunCliOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as Readable & {
    isTTY?: boolean;
  };
  stdin.isTTY = opts.stdinIsTTY ?? false;
  const io: CliIO = {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    cwd: opts.cwd,
    stdin,
    stdout: { write: (s) => void (stdout += s), isTTY: false },
    stderr: { write: (s) => void (stderr += s), isTTY: opts.stderrIsTTY ?? false },
    signal: opts.signal ?? new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Every top-level command DESIGN.md names (what `specloop --help` must list). */
export const COMMANDS = [
  'init',
  'idea',
  'plan',
  'run',
  'status',
  'show',
  'pack',
  'ask',
  'task',
  'issues',
  'templates',
  'models',
  'keys',
  'logs',
  'team',
  'claim',
  'done',
  'doctor',
  'completion',
  'mcp',
  'change',
  'spec',
  'board',
] as const;

export const BIN = fileURLToPath(new URL('../../bin/specloop.js', import.meta.url));

/** Run the built binary as a real process (for exit codes, signals, pipes). */
export function runBin(
  argv: string[],
  opts: RunCliOptions & { timeoutMs?: number },
): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}
