import type { FileOutcome, PackedOutcome, SkippedOutcome } from './process-file.js';

/** A packed file as it crosses threads: its text travels as UTF-8 bytes in the batch buffer. */
export interface WirePacked extends Omit<PackedOutcome, 'open' | 'body'> {
  /** text + tail occupy bytes[offset, offset + textBytes + tailBytes). */
  offset: number;
  textBytes: number;
  tailBytes: number;
  textChars: number;
}

export type WireOutcome = WirePacked | Exclude<FileOutcome, PackedOutcome> | SkippedOutcome;

/** One processed batch: outcomes in path order and one buffer holding their rendered bytes. */
export interface WireBatch {
  outcomes: WireOutcome[];
  bytes: Uint8Array;
}

/**
 * Encode a batch's blocks into one buffer of its own (not Node's shared pool), so a worker
 * can transfer it to the main thread without a copy, and the main thread can write it to
 * disk without encoding strings.
 */
export function toWire(outcomes: FileOutcome[]): WireBatch {
  let total = 0;
  for (const o of outcomes) {
    if (o.ok) total += Buffer.byteLength(o.open) + Buffer.byteLength(o.body) + Buffer.byteLength(o.tail);
  }
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const out: WireOutcome[] = outcomes.map((o) => {
    if (!o.ok) return o;
    const { open, body, ...meta } = o;
    const textBytes = bytes.write(open, at) + bytes.write(body, at + Buffer.byteLength(open));
    const tailBytes = bytes.write(o.tail, at + textBytes);
    const w: WirePacked = { ...meta, offset: at, textBytes, tailBytes, textChars: open.length + body.length };
    at += textBytes + tailBytes;
    return w;
  });
  return { outcomes: out, bytes };
}
