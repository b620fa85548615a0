import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The permission bits of an existing file, or undefined when there is none. */
async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function existingModeSync(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Write a file so that readers (and a crash at any instant) see either the old
 * content or the new, never a half-written file: write a temp file beside it,
 * fsync, rename over. On failure the temp file is removed.
 *
 * Without `opts.mode` a file that already exists keeps its permission bits
 * (an executable script stays executable); a new file gets 0644 less umask.
 */
export async function atomicWrite(
  file: string,
  data: string | Uint8Array,
  opts: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const keep = opts.mode ?? (await existingMode(file));
  try {
    const fh = await open(tmp, 'w', keep ?? 0o644);
    try {
      if (keep !== undefined) await fh.chmod(keep);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Synchronous twin of {@link atomicWrite}, for signal handlers and tight loops. */
export function atomicWriteSync(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const tmp = tempPathFor(file);
  const keep = opts.mode ?? existingModeSync(file);
  try {
    const fd = openSync(tmp, 'w', keep ?? 0o644);
    try {
      if (keep !== undefined) fchmodSync(fd, keep);
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
