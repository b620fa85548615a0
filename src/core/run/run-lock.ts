import { closeSync, fstatSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { groupListeners, liveGroups } from '../../util/spawn.js';
import { UsageError } from '../errors.js';
import { guardWrite } from './write-guard.js';

/** What `.specloop/run.lock` records: who runs, and the child process groups it has going. */
interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  groups: number[];
}

export const lockPath = (repo: string) => join(repo, '.specloop', 'run.lock');

/** Locks this process holds: a second in-process run (tests, an editor plugin) is refused too. */
const heldHere = new Set<string>();

/** Whether a process with this pid is alive on this machine (EPERM: it is, but someone else's). */
export function pidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid !== 'number') return undefined;
    return {
      pid: v.pid,
      host: String(v.host ?? ''),
      startedAt: String(v.startedAt ?? ''),
      command: String(v.command ?? 'specloop run'),
      groups: Array.isArray(v.groups) ? v.groups.filter((g) => typeof g === 'number' && g > 1) : [],
    };
  } catch {
    return undefined;
  }
}

export interface RunLock {
  /** Child groups of a dead earlier run that were still alive and were killed. */
  killedLeftovers: number[];
  release(): Promise<void>;
}

/**
 * One `specloop run` per repository at a time (solo, --parallel or --team alike): two runs
 * in one checkout would commit steps twice and sweep each other's edits into their commits.
 * The lock is created with link(2), atomic even on NFS: exactly one of two racing runs wins.
 * A lock whose holder is dead (kill -9, power loss) is taken over — after killing the child
 * process groups it recorded, so a surviving executor cannot edit the tree under the new run.
 */
export async function acquireRunLock(repo: string, o: { command: string; now: number }): Promise<RunLock> {
  const file = lockPath(repo);
  await guardWrite(join(repo, '.specloop'), () => mkdir(join(repo, '.specloop'), { recursive: true }));
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date(o.now).toISOString(),
    command: o.command,
    groups: [],
  };
  const temp = `${file}.${process.pid}.tmp`;
  await guardWrite(temp, () => writeFile(temp, JSON.stringify(info)));
  const killedLeftovers: number[] = [];
  try {
    for (let tries = 0; ; tries++) {
      try {
        await link(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 3) throw err;
      }
      const held = await readLock(file);
      if (
        held &&
        held.host === info.host &&
        pidAlive(held.pid) &&
        (held.pid !== process.pid || heldHere.has(file))
      )
        throw new UsageError(
          `another specloop run (pid ${held.pid}, started ${held.startedAt}) is working in ${repo}`,
          {
            code: 'E_RUN_LOCKED',
            hint: `wait for it to finish, or stop it (kill ${held.pid}); if pid ${held.pid} is not specloop, remove ${file}`,
          },
        );
      if (held && held.host !== info.host && held.host)
        throw new UsageError(`${file} is held by a run on ${held.host} (pid ${held.pid})`, {
          code: 'E_RUN_LOCKED',
          hint: `if that run is gone, remove ${file} and run again`,
        });
      // The holder is gone: what it started may not be. Kill its groups, then take over.
      for (const g of held?.groups ?? []) {
        try {
          process.kill(-g, 'SIGKILL');
          killedLeftovers.push(g);
        } catch {}
      }
      await rm(file, { force: true });
    }
  } finally {
    await rm(temp, { force: true });
  }
  // Keep the recorded groups current (sync: a kill -9 right after a spawn must still find it).
  // Rewritten in place through one open descriptor, padded with spaces to the file's size
  // (JSON allows them): one write(2) per change, where open+truncate+write+close costs ~50×
  // more on ext4 (a truncated-and-rewritten file is flushed at close) — and no kill -9 can
  // leave the lock empty between a truncate and a write.
  let fd: number | undefined;
  let size = 0;
  const record = () => {
    try {
      const text = Buffer.from(JSON.stringify({ ...info, groups: [...liveGroups] }));
      // Someone removed the file: write a new one (as before) rather than into the void.
      if (fd !== undefined && fstatSync(fd).nlink === 0) {
        closeSync(fd);
        fd = undefined;
      }
      if (fd === undefined) {
        writeFileSync(file, text);
        fd = openSync(file, 'r+');
        size = text.length;
        return;
      }
      const out = text.length >= size ? text : Buffer.concat([text, Buffer.alloc(size - text.length, 0x20)]);
      writeSync(fd, out, 0, out.length, 0);
      size = out.length;
    } catch {}
  };
  try {
    fd = openSync(file, 'r+');
    size = fstatSync(fd).size;
  } catch {
    fd = undefined;
  }
  groupListeners.add(record);
  heldHere.add(file);
  return {
    killedLeftovers,
    async release() {
      groupListeners.delete(record);
      heldHere.delete(file);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      const held = await readLock(file);
      if (held?.pid === process.pid) await rm(file, { force: true });
    },
  };
}
