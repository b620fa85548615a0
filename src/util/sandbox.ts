import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { findOnPath } from './which.js';

type Env = Record<string, string | undefined>;

/** Whether the OS sandbox can be used here, with what, or why not. */
export interface SandboxInfo {
  available: boolean;
  tool?: 'bwrap' | 'sandbox-exec';
  /** Why it is unavailable (shown by `run --dry-run` and `doctor`). */
  reason?: string;
}

const cache = new Map<string, SandboxInfo>();

function probe(bin: string, args: string[]): string | undefined {
  const r = spawnSync(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000, encoding: 'utf8' });
  if (r.error) return r.error.message;
  return r.status === 0 ? undefined : (r.stderr || `exit ${r.status}`).trim().split('\n')[0];
}

/**
 * Is the opt-in sandbox usable: bubblewrap on Linux (Debian package `bubblewrap`), macOS's
 * sandbox-exec. Checked by running it once (a container may have bwrap but forbid the user
 * namespaces it needs), then cached per PATH.
 */
export function sandboxAvailable(env: Env, platform: NodeJS.Platform = process.platform): SandboxInfo {
  const key = `${platform}\0${env.PATH ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let info: SandboxInfo;
  if (platform === 'linux') {
    const bin = findOnPath('bwrap', env);
    if (!bin)
      info = { available: false, reason: 'bwrap is not installed (Debian/Ubuntu: apt install bubblewrap)' };
    else {
      const why = probe(bin, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', 'true']);
      info = why
        ? { available: false, tool: 'bwrap', reason: `bwrap cannot run here: ${why}` }
        : { available: true, tool: 'bwrap' };
    }
  } else if (platform === 'darwin') {
    const bin = findOnPath('sandbox-exec', env);
    info = bin
      ? { available: true, tool: 'sandbox-exec' }
      : { available: false, reason: 'sandbox-exec not found' };
  } else info = { available: false, reason: `no sandbox support on ${platform}` };
  cache.set(key, info);
  return info;
}

export interface SandboxSpec {
  /** The shell command line to run inside. */
  command: string;
  cwd: string;
  /** Directories the command may write (the repo or worktree); a temp dir comes on top. */
  writable: string[];
  /** Directories it may not even read (specloop's home with keys.json). */
  hidden: string[];
}

const quote = (p: string) => JSON.stringify(p);

/**
 * The argv that runs `spec.command` sandboxed: no network, the file system read-only except
 * `writable` and a temp dir, `hidden` masked. bwrap: a read-only bind of `/`, a private empty
 * /tmp (the host's /tmp, other projects included, is not visible), /dev and /proc,
 * writable binds, empty tmpfs over hidden dirs, new network and PID namespaces. sandbox-exec: an SBPL
 * profile denying network and writes outside `writable`, and reads of `hidden`.
 */
export function sandboxArgv(tool: 'bwrap' | 'sandbox-exec', spec: SandboxSpec): [string, string[]] {
  if (tool === 'bwrap') {
    const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
    for (const w of spec.writable) args.push('--bind', w, w);
    for (const h of spec.hidden) args.push('--tmpfs', h);
    // A PID namespace: when bwrap dies (the run kills its group), the kernel kills every
    // process in it — also those that left the group with setsid, which a group kill misses.
    args.push('--unshare-net', '--unshare-pid', '--die-with-parent');
    args.push('--chdir', spec.cwd, 'sh', '-c', spec.command);
    return ['bwrap', args];
  }
  const profile = [
    '(version 1)',
    '(allow default)',
    '(deny network*)',
    '(allow network* (local unix))',
    '(deny file-write*)',
    `(allow file-write* ${[...spec.writable, tmpdir(), '/private/tmp', '/dev'].map((w) => `(subpath ${quote(w)})`).join(' ')})`,
    ...spec.hidden.map((h) => `(deny file-read* (subpath ${quote(h)}))`),
  ].join('\n');
  return ['sandbox-exec', ['-p', profile, 'sh', '-c', spec.command]];
}
