import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PackedOutcome } from './process-file.js';

/** A packed file's block, without its text once stored: where the text lives instead. */
export interface StoredBlock extends Omit<PackedOutcome, 'text'> {
  /** Byte offset and lengths of text and tail in the store's file (file store only). */
  offset: number;
  textBytes: number;
  tailBytes: number;
  /** Characters of the text (for the totals). */
  textChars: number;
  /** The text itself (memory store only). */
  text?: string;
}

/**
 * Where rendered blocks wait until the header (which lists the final file set) can be
 * written. Writing to a file keeps the main thread's memory flat however big the pack;
 * `write: false` packs keep blocks in memory.
 */
export interface BlockStore {
  put(o: PackedOutcome): StoredBlock;
  /** Write the blocks to `fd`; the last one gets `lastTail` instead of its tail. */
  copy(blocks: StoredBlock[], fd: number): void;
  text(blocks: StoredBlock[]): string;
  dispose(): void;
}

const lastTail = (b: StoredBlock) => b.lastTail ?? b.tail;

export class MemoryStore implements BlockStore {
  put(o: PackedOutcome): StoredBlock {
    return { ...o, offset: 0, textBytes: 0, tailBytes: 0, textChars: o.text.length };
  }
  text(blocks: StoredBlock[]): string {
    return blocks.map((b, i) => b.text! + (i === blocks.length - 1 ? lastTail(b) : b.tail)).join('');
  }
  copy(blocks: StoredBlock[], fd: number): void {
    for (let i = 0; i < blocks.length; i += 256) writeSync(fd, this.text(blocks.slice(i, i + 256)));
  }
  dispose(): void {}
}

const CHUNK = 4 * 1024 * 1024;

/** Blocks appended to a temp file beside the output; copied out by byte range. */
export class FileStore implements BlockStore {
  private readonly path: string;
  private readonly fd: number;
  private size = 0;
  private pending: string[] = [];
  private pendingLen = 0;

  constructor(near: string) {
    this.path = join(
      dirname(near),
      `.${basename(near)}.${process.pid}.${randomBytes(4).toString('hex')}.blocks.tmp`,
    );
    this.fd = openSync(this.path, 'w+', 0o600);
  }

  put(o: PackedOutcome): StoredBlock {
    const textBytes = Buffer.byteLength(o.text);
    const tailBytes = Buffer.byteLength(o.tail);
    const { text, ...meta } = o;
    const b: StoredBlock = { ...meta, offset: this.size, textBytes, tailBytes, textChars: text.length };
    this.pending.push(text, o.tail);
    this.pendingLen += text.length;
    this.size += textBytes + tailBytes;
    if (this.pendingLen >= CHUNK) this.flush();
    return b;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLen = 0;
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
