import { type ChildProcess, spawn } from 'node:child_process';

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
  // Short untracked children (local git plumbing) are started by the starter process when
  // it is up; anything streamed, shell-run or recorded in the run lock is started here.
  if (opts.track === false && !opts.shell && !opts.onStdout && !opts.onStderr) {
    const viaStarter = startInStarter(cmd, args, opts);
    if (viaStarter) return viaStarter;
  }
  return runHere(cmd, args, opts);
}

function runHere(cmd: string, args: string[], opts: SpawnOptions): Promise<SpawnResult> {
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

/**
 * The starter: a bare node process that starts short children on our behalf. Why: fork(2)
 * copies the page tables of the process that forks, so on this kind of VM a spawn from
 * specloop (100–300 MB resident) costs 5–10 ms of kernel time, from a bare node ~1 ms — and
 * a run step makes a dozen such spawns. Only `track: false` children go through it: the
 * run lock never records those (they end with their moment), so nothing is lost in the
 * instant between the starter's fork and our knowing the pid. It starts after a few spawns
 * (a command that makes two never pays its ~40 ms start) and leaves when we do (the IPC
 * channel closes; the terminal's signals to our group it ignores, so a Ctrl-C'd run can
 * still ask git). If it is gone, calls run here again — untracked calls are local reads or
 * index updates, safe to repeat.
 */
const STARTER = `
const { spawn } = require('node:child_process');
const live = new Map();
process.on('disconnect', () => process.exit(0));
// Ctrl-C, a closed terminal or a TERM to our group stop specloop, which then still asks
// git things: the starter leaves only when specloop does (the disconnect above).
for (const sig of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(sig, () => {});
process.on('message', (m) => {
  if (m.kill !== undefined) {
    const c = live.get(m.kill);
    if (c) try { process.kill(-c.pid, 'SIGKILL'); } catch { try { c.kill('SIGKILL'); } catch {} }
    return;
  }
  let sent = false, out = '', err = '', timedOut = false, timer;
  const send = (r) => { if (sent) return; sent = true; clearTimeout(timer); live.delete(m.id); process.send({ id: m.id, ...r }); };
  let c;
  try {
    c = spawn(m.cmd, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) { send({ error: { message: e.message, code: e.code } }); return; }
  live.set(m.id, c);
  const kill = () => { try { process.kill(-c.pid, 'SIGKILL'); } catch { try { c.kill('SIGKILL'); } catch {} } };
  if (m.timeoutMs) timer = setTimeout(() => { timedOut = true; kill(); }, m.timeoutMs);
  c.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  c.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  c.on('error', (e) => send({ error: { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path } }));
  c.on('close', (code, signal) => send({ code, signal, stdout: out, stderr: err, timedOut }));
  c.stdin.on('error', () => {});
  c.stdin.end(m.input == null ? '' : m.input);
});
process.send({ ready: true });
`;

/** Spawns made here before the starter is started. */
const STARTER_AFTER = 3;

interface StarterCall {
  resolve: (r: SpawnResult) => void;
  reject: (e: Error) => void;
  /** Run the call here instead (the starter went away before answering). */
  again: () => void;
}

interface Starter {
  child: ChildProcess;
  ready: boolean;
  calls: Map<number, StarterCall>;
  next: number;
}

let starter: Starter | undefined;
/** Set when the starter could not be started or died: from then on every child starts here. */
let starterGone = false;
let untracked = 0;

function launchStarter(): void {
  let child: ChildProcess;
  try {
    // No environment of ours (NODE_OPTIONS could load a loader into it): each call brings its own.
    child = spawn(process.execPath, ['-e', STARTER], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {},
    });
  } catch {
    starterGone = true;
    return;
  }
  const s: Starter = { child, ready: false, calls: new Map(), next: 0 };
  starter = s;
  // Never what keeps specloop alive: the channel holds the loop only while a call is out.
  child.unref();
  child.channel?.unref();
  child.on(
    'message',
    (m: { ready?: boolean; id?: number; error?: Record<string, unknown> } & SpawnResult) => {
      if (m.ready) {
        s.ready = true;
        return;
      }
      const call = m.id === undefined ? undefined : s.calls.get(m.id);
      if (!call || m.id === undefined) return;
      s.calls.delete(m.id);
      if (s.calls.size === 0) child.channel?.unref();
      if (m.error) call.reject(Object.assign(new Error(String(m.error.message)), m.error));
      else
        call.resolve({
          code: m.code,
          signal: m.signal,
          stdout: m.stdout,
          stderr: m.stderr,
          timedOut: m.timedOut,
        });
    },
  );
  const gone = () => {
    starterGone = true;
    if (starter === s) starter = undefined;
    const left = [...s.calls.values()];
    s.calls.clear();
    for (const c of left) c.again();
  };
  child.on('exit', gone);
  child.on('error', gone);
  child.on('disconnect', gone);
}

function startInStarter(cmd: string, args: string[], opts: SpawnOptions): Promise<SpawnResult> | undefined {
  // Without an environment the child would inherit ours; the starter has none to give.
  if (starterGone || !opts.env) return undefined;
  if (!starter) {
    if (++untracked >= STARTER_AFTER) launchStarter();
    return undefined;
  }
  const s = starter;
  if (!s.ready || !s.child.connected) return undefined;
  return new Promise((resolve, reject) => {
    const id = ++s.next;
    const onAbort = () => {
      if (s.calls.has(id)) s.child.send({ kill: id }, () => {});
    };
    const done = () => opts.signal?.removeEventListener('abort', onAbort);
    s.calls.set(id, {
      resolve: (r) => {
        done();
        resolve(r);
      },
      reject: (e) => {
        done();
        reject(e);
      },
      again: () => {
        done();
        runHere(cmd, args, opts).then(resolve, reject);
      },
    });
    s.child.channel?.ref();
    const msg = { id, cmd, args, cwd: opts.cwd, env: opts.env, input: opts.input, timeoutMs: opts.timeoutMs };
    s.child.send(msg, (err) => {
      if (!err) return;
      // Not sent (the starter is going away): run it here.
      const call = s.calls.get(id);
      s.calls.delete(id);
      call?.again();
    });
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
