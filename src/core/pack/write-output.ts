import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { PartPlan } from './assemble.js';
import type { BlockStore } from './block-store.js';

/** A part's whole text (write: false). */
export function partText(part: PartPlan, store: BlockStore): string {
  return part.header + store.text(part.files) + part.footer;
}

/** Fail early (before any work) when `file` cannot be an output path. */
export function checkOutputPath(file: string): void {
  try {
    if (statSync(file).isDirectory()) {
      throw new UsageError(`output path is a directory: ${file}`, {
        code: 'E_OUTPUT',
        hint: 'pass a file name with -o',
      });
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new UsageError(
      `cannot create the output directory for ${file}: ${(err as NodeJS.ErrnoException).code}`,
      {
        code: 'E_OUTPUT',
        hint: 'choose another path with -o',
      },
    );
  }
}

/**
 * Write every part to a temp file beside its target (blocks copied from the store,
 * fsynced), then rename them all into place. Any failure removes the temp files: no
 * partial output.
 */
export function writeParts(parts: { path: string; plan: PartPlan }[], store: BlockStore): void {
  const temps: string[] = [];
  try {
    for (const { path, plan } of parts) {
      const tmp = join(
        dirname(path),
        `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
      );
      temps.push(tmp);
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, plan.header);
        store.copy(plan.files, fd);
        writeSync(fd, plan.footer);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const [i, { path }] of parts.entries()) renameSync(temps[i]!, path);
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(
      `cannot write ${parts[temps.length - 1]?.path ?? 'output'}: ${e.code ?? e.message}`,
      {
        code: 'E_OUTPUT',
        hint: 'choose a writable path with -o (nothing was written)',
        cause: err,
      },
    );
  }
}
