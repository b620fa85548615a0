import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  writev,
  writevSync,
} from 'node:fs';
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
  /** Let go of everything (a pack that failed leaves no file); waits for writes in flight. */
  dispose(): void | Promise<void>;
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

  /** Everything, in order, leaving this empty. */
  take(): Uint8Array[] {
    this.close();
    const parts = this.parts;
    this.parts = [];
    this.length = 0;
    return parts;
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
  while (parts.length > 0) parts = rest(parts, writevSync(fd, parts.slice(0, 1024)));
}

/**
 * Bytes a DirectStore holds before it writes any (see DirectStore): bigger packs stream,
 * and pay the copy when the header changes.
 */
const HOLD_MAX = 128 * 1024 * 1024;

/**
 * The default mode's store: no store at all. The header is known before the files are read,
 * but for the tree's marks (it lists the selected files), so blocks go straight into the
 * output's temp file in path order, each block's tail held back until the next arrives
 * (JSON's last one differs); `finish` adds the footer, fsyncs and renames into place. Any
 * failure leaves no file.
 *
 * Until the first `settle` (the pool calls it only when it processes in this thread, whose
 * read chunks are reused once written) and up to HOLD_MAX bytes, the blocks are held, not
 * written: a pack in worker threads (a cold one: nothing predicted which files reading
 * leaves out, so the tree's marks usually change the header) writes them once, behind the
 * final header, instead of streaming them behind the first and copying them behind the
 * final one (140-150 ms on a 75 MB pack). A pack in this thread streams: it is a warm
 * one, whose prediction is nearly always right.
 */
export class DirectStore implements BlockStore {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly pending = new Pending();
  private heldTail: Uint8Array | undefined;
  private done = false;
  private tmp2: string | undefined;
  /** Nothing is in the temp file yet: the blocks wait in `pending` for the final header. */
  private holding = true;
  /** The header the written blocks follow. */
  private lead = '';
  /** The blocks' write on libuv's thread pool (see begin). */
  private writing: Promise<void> | undefined;

  /**
   * `header` is asked for once, when the first block goes out before `begin` (the pack
   * processes in this thread, or holds more than `holdMax`): the header as drawn by then.
   */
  constructor(
    private readonly output: string,
    private readonly header: () => string,
    private readonly holdMax = HOLD_MAX,
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
  }

  /** From now on the blocks go out as they come, behind the header as drawn now. */
  private stream(): void {
    if (!this.holding) return;
    this.holding = false;
    this.lead = this.header();
    writeAll(this.fd, [Buffer.from(this.lead)]);
  }

  /**
   * Every block is in: write the held ones behind `header` (the final one, as far as the
   * caller knows) on libuv's thread pool, while this thread counts the header and builds
   * the footer; `finish` waits for it. No more `put` after this.
   */
  begin(header: string, last: StoredBlock | undefined): void {
    if (!this.holding) return;
    this.holding = false;
    this.closeLast(last);
    const parts = [Buffer.from(header), ...this.pending.take()];
    this.lead = header;
    const total = parts.reduce((a, b) => a + b.length, 0);
    this.writing = new Promise<void>((resolve, reject) =>
      writev(this.fd, parts, (err, n) => {
        if (err) return reject(err);
        try {
          // libuv writes them all; should it ever stop short, the rest goes out here
          if (n < total) writeAll(this.fd, rest(parts, n));
          resolve();
        } catch (e) {
          reject(e);
        }
      }),
    );
    this.writing.catch(() => {}); // finish / dispose see the failure
  }

  /** The last block's tail (`lastTail` if it differs), once. */
  private closeLast(last: StoredBlock | undefined): void {
    if (last && this.heldTail)
      this.pending.push(last.lastTail !== undefined ? Buffer.from(last.lastTail) : this.heldTail);
    this.heldTail = undefined;
  }

  private push(b: Uint8Array): void {
    this.pending.push(b);
    if (this.pending.length < CHUNK || (this.holding && this.pending.length < this.holdMax)) return;
    this.stream(); // too big to hold
    this.flush();
  }

  private flush(): void {
    this.pending.writeTo(this.fd);
  }

  settle(): ArrayBufferLike | undefined {
    this.stream();
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
   * Held blocks go out behind `header`; written ones, when `header` differs from the one
   * they follow (the tree marks files that were then left out), are copied once behind it.
   */
  async finish(header: string, last: StoredBlock | undefined, footer: string): Promise<void> {
    try {
      await this.writing;
      this.closeLast(last);
      this.pending.push(Buffer.from(footer));
      let from = this.tmp;
      if (this.holding) {
        writeAll(this.fd, [Buffer.from(header)]);
        this.flush();
        fsyncSync(this.fd);
      } else if (header !== this.lead) {
        this.flush();
        from = `${this.tmp}.2`;
        const fd = openSync(from, 'w', 0o644);
        try {
          writeSync(fd, header);
          copyFrom(this.fd, Buffer.byteLength(this.lead), fd);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        rmSync(this.tmp, { force: true });
        this.tmp2 = from;
      } else {
        this.flush();
        fsyncSync(this.fd);
      }
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

  async dispose(): Promise<void> {
    if (this.done) return;
    // a write in flight still holds the descriptor: closing it under the write could let
    // the number be reused, and the write land in another file
    await this.writing?.catch(() => {});
    if (this.done) return;
    try {
      closeSync(this.fd);
    } catch {}
    rmSync(this.tmp, { force: true });
    if (this.tmp2) rmSync(this.tmp2, { force: true });
  }
}

/** `parts` without their first `n` bytes. */
function rest(parts: Uint8Array[], n: number): Uint8Array[] {
  let k = 0;
  while (k < parts.length && n >= parts[k]!.length) n -= parts[k++]!.length;
  const out = parts.slice(k);
  if (n > 0 && out.length > 0) out[0] = out[0]!.subarray(n);
  return out;
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
