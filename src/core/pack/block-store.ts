import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync, writevSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { WirePacked } from './wire.js';

/** A packed file's block once stored: `offset` is now into the store's file. */
export interface StoredBlock extends WirePacked {
  /** The text itself (memory store only). */
  text?: string;
}

/**
 * Where rendered blocks wait until the header (which lists the final file set) can be
 * written. Writing to a file keeps the main thread's memory flat however big the pack;
 * `write: false` packs keep blocks in memory.
 */
export interface BlockStore {
  /** Take one block; `bytes` is its batch buffer (see wire.ts). */
  put(o: WirePacked, bytes: Uint8Array): StoredBlock;
  /** Write the blocks to `fd`; the last one gets `lastTail` instead of its tail. */
  copy(blocks: StoredBlock[], fd: number): void;
  text(blocks: StoredBlock[]): string;
  dispose(): void;
  /**
   * Write out every block put so far and let go of their buffers (see arena.ts); returns
   * the buffer of any bytes still held back. Stores that keep blocks' bytes do not have it.
   */
  settle?(): ArrayBufferLike | undefined;
}

const lastTail = (b: StoredBlock) => b.lastTail ?? b.tail;

export class MemoryStore implements BlockStore {
  put(o: WirePacked, batch: Uint8Array): StoredBlock {
    const bytes = ownBytes(o, batch);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + o.offset, o.textBytes).toString('utf8');
    const b = o as StoredBlock; // the outcome is ours: reuse it rather than copy it
    b.offset = 0;
    b.text = text;
    return b;
  }
  text(blocks: StoredBlock[]): string {
    return blocks.map((b, i) => b.text! + (i === blocks.length - 1 ? lastTail(b) : b.tail)).join('');
  }
  copy(blocks: StoredBlock[], fd: number): void {
    for (let i = 0; i < blocks.length; i += 256) writeSync(fd, this.text(blocks.slice(i, i + 256)));
  }
  dispose(): void {}
}

/** --no-files: blocks are counted and listed but never kept. */
export class NullStore implements BlockStore {
  put(o: WirePacked): StoredBlock {
    o.offset = -1;
    o.bytes = undefined;
    return o;
  }
  text(): string {
    return '';
  }
  copy(): void {}
  dispose(): void {}
}

const CHUNK = 4 * 1024 * 1024;

/**
 * The buffer a block's offset is into: its own (read in this thread) or its batch's. The
 * block lets go of it, so the blocks kept for the summary do not keep file bytes alive.
 */
function ownBytes(o: WirePacked, batch: Uint8Array): Uint8Array {
  const own = o.bytes;
  if (!own) return batch;
  o.bytes = undefined;
  return own;
}

/**
 * Byte ranges waiting to be written, a range that continues the last one merged into it:
 * blocks laid out end to end (a warm pack's reads, a worker's batch) go out in few large
 * writes.
 */
class Pending {
  private parts: Uint8Array[] = [];
  private run: Uint8Array | undefined;
  private runEnd = 0;
  length = 0;

  push(b: Uint8Array): void {
    this.length += b.length;
    const r = this.run;
    if (r && r.buffer === b.buffer && this.runEnd === b.byteOffset) {
      this.runEnd += b.length;
      return;
    }
    this.close();
    this.run = b;
    this.runEnd = b.byteOffset + b.length;
  }

  private close(): void {
    const r = this.run;
    if (!r) return;
    this.parts.push(
      this.runEnd === r.byteOffset + r.length
        ? r
        : new Uint8Array(r.buffer, r.byteOffset, this.runEnd - r.byteOffset),
    );
    this.run = undefined;
  }

  /** Write everything to `fd` and start empty. */
  writeTo(fd: number): void {
    this.close();
    if (this.parts.length > 0) writeAll(fd, this.parts);
    this.parts = [];
    this.length = 0;
  }
}

/** Blocks appended to a temp file beside the output; copied out by byte range. */
export class FileStore implements BlockStore {
  private readonly path: string;
  private readonly fd: number;
  private size = 0;
  private readonly pending = new Pending();

  constructor(near: string) {
    this.path = join(
      dirname(near),
      `.${basename(near)}.${process.pid}.${randomBytes(4).toString('hex')}.blocks.tmp`,
    );
    this.fd = openSync(this.path, 'w+', 0o600);
  }

  put(o: WirePacked, batch: Uint8Array): StoredBlock {
    const len = o.textBytes + o.tailBytes;
    const bytes = ownBytes(o, batch);
    this.pending.push(bytes.subarray(o.offset, o.offset + len));
    const b: StoredBlock = o; // the outcome is ours: reuse it rather than copy it
    b.offset = this.size;
    this.size += len;
    if (this.pending.length >= CHUNK) this.flush();
    return b;
  }

  private flush(): void {
    this.pending.writeTo(this.fd);
  }

  settle(): ArrayBufferLike | undefined {
    this.flush();
    return undefined;
  }

  /** Copy byte ranges, coalescing neighbours (the usual case: everything, in order). */
  copy(blocks: StoredBlock[], fd: number): void {
    this.flush();
    const buf = Buffer.allocUnsafe(CHUNK);
    const copyRange = (from: number, len: number) => {
      while (len > 0) {
        const n = readSync(this.fd, buf, 0, Math.min(len, CHUNK), from);
        if (n <= 0) throw new Error('pack: block store truncated');
        writeSync(fd, buf, 0, n);
        from += n;
        len -= n;
      }
    };
    let start = -1;
    let end = -1;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      const last = i === blocks.length - 1;
      const len = b.textBytes + (last ? 0 : b.tailBytes);
      if (b.offset !== end) {
        if (start >= 0) copyRange(start, end - start);
        start = b.offset;
      }
      end = b.offset + len;
      if (last) {
        copyRange(start, end - start);
        writeSync(fd, lastTail(b));
        start = -1;
      }
    }
  }

  text(blocks: StoredBlock[]): string {
    this.flush();
    return blocks
      .map((b, i) => {
        const buf = Buffer.allocUnsafe(b.textBytes);
        readSync(this.fd, buf, 0, b.textBytes, b.offset);
        return buf.toString('utf8') + (i === blocks.length - 1 ? lastTail(b) : b.tail);
      })
      .join('');
  }

  dispose(): void {
    try {
      closeSync(this.fd);
    } catch {}
    rmSync(this.path, { force: true });
  }
}

/** Write `parts` fully (writev may write less than asked, and takes ≤ 1024 buffers). */
function writeAll(fd: number, parts: Uint8Array[]): void {
  while (parts.length > 0) {
    let n = writevSync(fd, parts.slice(0, 1024));
    let k = 0;
    while (k < parts.length && n >= parts[k]!.length) n -= parts[k++]!.length;
    parts = parts.slice(k);
    if (n > 0) parts[0] = parts[0]!.subarray(n);
  }
}

/**
 * The default mode's store: no store at all. The header is known before any file is read
 * (it lists the selected files), so blocks go straight into the output's temp file in path
 * order, each block's tail held back until the next arrives (JSON's last one differs);
 * `finish` adds the footer, fsyncs and renames into place. Any failure leaves no file.
 */
export class DirectStore implements BlockStore {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly pending = new Pending();
  private heldTail: Uint8Array | undefined;
  private done = false;
  private readonly headerBytes: number;
  private tmp2: string | undefined;

  constructor(
    private readonly output: string,
    private readonly header: string,
  ) {
    this.tmp = join(
      dirname(output),
      `.${basename(output)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    try {
      this.fd = openSync(this.tmp, 'w+', 0o644);
    } catch (err) {
      throw new UsageError(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
        code: 'E_OUTPUT',
        hint: 'choose a writable path with -o (nothing was written)',
      });
    }
    const h = Buffer.from(header);
    this.headerBytes = h.length;
    this.push(h);
  }

  private push(b: Uint8Array): void {
    this.pending.push(b);
    if (this.pending.length >= CHUNK) this.flush();
  }

  private flush(): void {
    this.pending.writeTo(this.fd);
  }

  settle(): ArrayBufferLike | undefined {
    this.flush();
    return this.heldTail?.buffer;
  }

  put(o: WirePacked, batch: Uint8Array): StoredBlock {
    const bytes = ownBytes(o, batch);
    if (this.heldTail) this.push(this.heldTail);
    this.push(bytes.subarray(o.offset, o.offset + o.textBytes));
    this.heldTail = bytes.subarray(o.offset + o.textBytes, o.offset + o.textBytes + o.tailBytes);
    o.offset = -1;
    return o;
  }

  /**
   * Close the pack: the last block's tail (`lastTail` if it differs), the footer, rename.
   * When the final header differs from the one written first (the tree marks files that
   * were then left out), the blocks are copied once behind the new header.
   */
  finish(header: string, last: StoredBlock | undefined, footer: string): void {
    try {
      if (last && this.heldTail)
        this.push(last.lastTail !== undefined ? Buffer.from(last.lastTail) : this.heldTail);
      this.push(Buffer.from(footer));
      this.flush();
      let from = this.tmp;
      if (header !== this.header) {
        from = `${this.tmp}.2`;
        const fd = openSync(from, 'w', 0o644);
        try {
          writeSync(fd, header);
          copyFrom(this.fd, this.headerBytes, fd);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        rmSync(this.tmp, { force: true });
        this.tmp2 = from;
      } else fsyncSync(this.fd);
      closeSync(this.fd);
      renameSync(from, this.output);
      this.done = true;
    } catch (err) {
      throw new UsageError(`cannot write ${this.output}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
        code: 'E_OUTPUT',
        hint: 'choose a writable path with -o (nothing was written)',
        cause: err,
      });
    }
  }

  copy(): void {
    throw new Error('DirectStore writes as it goes');
  }

  text(): string {
    throw new Error('DirectStore writes as it goes');
  }

  dispose(): void {
    if (this.done) return;
    try {
      closeSync(this.fd);
    } catch {}
    rmSync(this.tmp, { force: true });
    if (this.tmp2) rmSync(this.tmp2, { force: true });
  }
}

/** Copy everything from byte `start` of `src` to the end onto `dst`. */
function copyFrom(src: number, start: number, dst: number): void {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let at = start; ; ) {
    const n = readSync(src, buf, 0, CHUNK, at);
    if (n <= 0) return;
    writeSync(dst, buf, 0, n);
    at += n;
  }
}
