import { spawn } from 'node:child_process';
import { BIN } from './cli.js';

export interface PipeResult {
  /** Exit code of each process, left to right. */
  codes: number[];
  /** stdout of the last process. */
  stdout: string;
  /** stderr of each process, left to right. */
  stderr: string[];
}

/**
 * Run `specloop A | specloop B | …` as real processes joined by OS pipes (each stdout
 * piped into the next one's stdin; the first stdin is empty), like a shell would.
 */
export function pipeline(
  commands: string[][],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<PipeResult> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env } as NodeJS.ProcessEnv;
  const children = commands.map((argv, i) =>
    spawn(process.execPath, [BIN, ...argv], {
      cwd: opts.cwd,
      env,
      stdio: [i === 0 ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    }),
  );
  for (let i = 1; i < children.length; i++) children[i - 1]!.stdout!.pipe(children[i]!.stdin!);
  const stderr = children.map(() => '');
  children.forEach((c, i) => {
    c.stderr!.setEncoding('utf8').on('data', (d) => {
      stderr[i] += d;
    });
  });
  let stdout = '';
  children
    .at(-1)!
    .stdout!.setEncoding('utf8')
    .on('data', (d) => (stdout += d));
  const timer = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
  }, opts.timeoutMs ?? 30_000);
  return Promise.all(
    children.map(
      (c) =>
        new Promise<number>((resolve, reject) => {
          c.on('error', reject);
          c.on('close', (code) => resolve(code ?? -1));
        }),
    ),
  ).then(
    (codes) => {
      clearTimeout(timer);
      return { codes, stdout, stderr };
    },
    (err) => {
      clearTimeout(timer);
      throw err;
    },
  );
}
