import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { PartPlan } from './assemble.js';

/** The text chunks of a part, in order (no giant string is built for files). */
export function* partChunks(part: PartPlan): Generator<string> {
  yield part.header;
  const n = part.files.length;
  for (let i = 0; i < n; i++) {
    const f = part.files[i]!;
    yield f.text;
    yield i === n - 1 ? (f.lastTail ?? f.tail) : f.tail;
  }
  yield part.footer;
}

export function partText(part: PartPlan): string {
  return [...partChunks(part)].join('');
}

/** Fail early (before any work) when `file` cannot be an output path. */
export function checkOutputPath(file: string): void {
  try {
    if (statSync(file).isDirectory()) {
      throw new UsageError(`output path is a directory: ${file}`, { code: 'E_OUTPUT', hint: 'pass a file name with -o' });
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create the output directory for ${file}: ${(err as NodeJS.ErrnoException).code}`, {
      code: 'E_OUTPUT',
      hint: 'choose another path with -o',
    });
  }
}

const FLUSH = 4 * 1024 * 1024;

/**
 * Write every part to a temp file beside its target (streamed in chunks, fsynced), then
 * rename them all into place. Any failure removes the temp files: no partial output.
 */
export function writeParts(parts: { path: string; plan: PartPlan }[]): void {
  const temps: string[] = [];
  try {
    for (const { path, plan } of parts) {
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      temps.push(tmp);
      const fd = openSync(tmp, 'w', 0o644);
      try {
        let buf = '';
        for (const chunk of partChunks(plan)) {
          buf += chunk;
          if (buf.length >= FLUSH) {
            writeSync(fd, buf);
            buf = '';
          }
        }
        if (buf) writeSync(fd, buf);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    parts.forEach(({ path }, i) => renameSync(temps[i]!, path));
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`cannot write ${parts[temps.length - 1]?.path ?? 'output'}: ${e.code ?? e.message}`, {
      code: 'E_OUTPUT',
      hint: 'choose a writable path with -o (nothing was written)',
      cause: err,
    });
  }
}
