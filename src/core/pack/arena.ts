/**
 * The chunks files are read into (see FileProcessor.read). In this thread a warm pack's
 * blocks stay in them until written (see block-store.ts), and a written chunk is read into
 * again, so 75 MB pass through a few chunks instead of 75 MB of fresh memory (a page fault
 * per 4 KB, and the GC's external-memory pressure).
 */
export const ARENA = 1 << 20;

const free: Buffer[] = [];
/** Free chunks kept for the next file (and the next pack, in a long-lived process). */
const MAX_FREE = 6;

/** A chunk of at least `min` bytes: a free one when it fits, else a new one. */
export function takeArena(min: number): Buffer {
  if (min <= ARENA) {
    const b = free.pop();
    if (b) return b;
  }
  return Buffer.allocUnsafeSlow(Math.max(ARENA, min));
}

/** Nothing refers to `b`'s bytes any more: it may be read into again. */
export function giveBackArena(b: Buffer): void {
  if (b.length === ARENA && free.length < MAX_FREE) free.push(b);
}
