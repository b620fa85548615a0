import { run } from '../../util/spawn.js';
import { findOnPath } from '../../util/which.js';

/** Path and first version line of a tool on PATH, or undefined when it is not there. */
export async function toolVersion(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string | undefined> },
): Promise<{ path: string; version?: string } | undefined> {
  const path = findOnPath(cmd, opts.env);
  if (!path) return undefined;
  try {
    const r = await run(path, args, { cwd: opts.cwd, env: opts.env, timeoutMs: 5000 });
    const line = `${r.stdout}\n${r.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean);
    return { path, version: r.code === 0 ? line : undefined };
  } catch {
    return { path };
  }
}

/** Whether bubblewrap can start a sandbox here (it is on PATH and user namespaces work). */
export async function bwrapWorks(opts: {
  cwd: string;
  env: Record<string, string | undefined>;
}): Promise<boolean> {
  const path = findOnPath('bwrap', opts.env);
  if (!path) return false;
  const r = await run(path, ['--ro-bind', '/', '/', '--dev', '/dev', 'true'], {
    cwd: opts.cwd,
    env: opts.env,
    timeoutMs: 5000,
  }).catch(() => undefined);
  return r?.code === 0;
}
