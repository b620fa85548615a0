import { spawn } from 'node:child_process';

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Run through `sh -c` (for user-configured commands such as the test command). */
  shell?: boolean;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
  /**
   * Record the child's group in liveGroups (default true). Only for processes that cannot
   * outlive their moment (local read-only git plumbing): each record is a sync lock write.
   */
  track?: boolean;
}

/**
 * Process groups of the children running right now (each child leads its own group), and
 * who wants to know when that changes: the run lock records them, so a run killed with -9
 * lets the next one kill what it left behind, and SIGHUP handlers kill them on the spot.
 */
export const liveGroups = new Set<number>();
export const groupListeners = new Set<() => void>();
const changed = () => {
  for (const l of groupListeners) l();
};

/** SIGKILL every live child group (the terminal closed, or the run is being torn down). */
export function killLiveGroups(): void {
  for (const g of liveGroups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {}
  }
}

/**
 * Run a process to completion, capturing its output. A timeout kills the whole
 * process group (the child is a group leader), so a hanging test runner's own
 * children die with it.
 */
export function run(cmd: string, args: string[], opts: SpawnOptions): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env as NodeJS.ProcessEnv | undefined,
      shell: opts.shell ?? false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const group = opts.track === false ? undefined : child.pid;
    if (group) {
      liveGroups.add(group);
      changed();
    }
    const forget = () => {
      if (group && liveGroups.delete(group)) changed();
    };
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => killGroup();
    // An already-aborted signal never fires 'abort': kill at once so callers see the same outcome.
    if (opts.signal?.aborted) queueMicrotask(killGroup);
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      opts.onStderr?.(d);
    });
    child.on('error', (err) => {
      forget();
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      forget();
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
