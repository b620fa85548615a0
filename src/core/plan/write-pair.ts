import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FaultHooks } from '../context.js';
import { pidAlive } from '../run/run-lock.js';

/** The target a failed write was for (`err.target`): a full disk's error names no file. */
function tagged(err: unknown, target: string | undefined): unknown {
  if (err && typeof err === 'object' && target) Object.assign(err, { target });
  return err;
}

/** `.name.<pid>.<random>.tmp|old`: a staged copy or kept old file of a writer killed mid-way. */
async function removeDeadCopies(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  for (const n of await readdir(dirname(file)).catch(() => [] as string[])) {
    const m = /\.(\d+)\.[0-9a-f]+\.(tmp|old)$/.exec(n);
    if (n.startsWith(prefix) && m && !pidAlive(Number(m[1])))
      await rm(join(dirname(file), n), { force: true });
  }
}

/** A staged file: its final path and the temp file beside it that holds the new content. */
interface Staged {
  path: string;
  tmp: string;
}

const beside = (file: string, what: string) =>
  join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.${what}`);

async function modeOf(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
}

/**
 * Write several files so that all of them are replaced or none is (prompt_plan.md and
 * todo.md: one without the other is a broken plan). Every new content is first written and
 * fsynced to a temp file in its target's directory — where a full disk fails, before any
 * target is touched; then the temp files are renamed over the targets (no new space needed).
 * Should a rename still fail, the targets renamed before it are put back (the old file from
 * a hard link taken just before, or removed when there was none). Temp files never stay.
 *
 * Fault points (tests): `write:<name>` before staging a file, `rename:<name>` before its rename.
 */
export async function writeAllOrNothing(
  files: { path: string; data: string }[],
  faults?: FaultHooks,
): Promise<void> {
  const staged: Staged[] = [];
  try {
    for (const f of files) {
      await mkdir(dirname(f.path), { recursive: true });
      await removeDeadCopies(f.path);
      const tmp = beside(f.path, 'tmp');
      const keep = await modeOf(f.path);
      staged.push({ path: f.path, tmp });
      faults?.at(`write:${basename(f.path)}`);
      const fh = await open(tmp, 'w', keep ?? 0o644);
      try {
        if (keep !== undefined) await fh.chmod(keep);
        await fh.writeFile(f.data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw tagged(err, staged.at(-1)?.path);
  }
  const replaced: { path: string; old?: string }[] = [];
  try {
    for (const s of staged) {
      // A second name for the file being replaced: the way back if a later rename fails.
      let old: string | undefined = beside(s.path, 'old');
      if (
        !(await link(s.path, old).then(
          () => true,
          () => false,
        ))
      )
        old = undefined;
      try {
        faults?.at(`rename:${basename(s.path)}`);
        await rename(s.tmp, s.path);
      } catch (err) {
        if (old) await rm(old, { force: true });
        throw tagged(err, s.path);
      }
      replaced.push({ path: s.path, old });
    }
  } catch (err) {
    for (const r of replaced.reverse()) {
      if (r.old) await rename(r.old, r.path).catch(() => undefined);
      else await rm(r.path, { force: true });
    }
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  }
  await Promise.all(replaced.map((r) => (r.old ? rm(r.old, { force: true }) : undefined)));
}
