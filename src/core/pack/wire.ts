import type { FileOutcome, PackedOutcome, SkippedOutcome } from './process-file.js';

/** A packed file as it crosses threads: its text travels as UTF-8 bytes in the batch buffer. */
export interface WirePacked
  extends Omit<PackedOutcome, 'open' | 'body' | 'bodyBytes' | 'block' | 'blockTail'> {
  /** text + tail occupy bytes[offset, offset + textBytes + tailBytes). */
  offset: number;
  /** In this thread: the block's own bytes (the reader's arena), else the batch's buffer. */
  bytes?: Uint8Array;
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
 * disk without encoding strings. `inPlace` (this thread): blocks already laid out as bytes
 * stay where they are.
 */
export function toWire(outcomes: FileOutcome[], inPlace = false): WireBatch {
  let total = 0;
  for (const o of outcomes) {
    if (!o.ok) continue;
    if (o.block) total += inPlace ? 0 : o.block.length;
    else
      total +=
        Buffer.byteLength(o.open) +
        (o.bodyBytes ? o.bodyBytes.length : Buffer.byteLength(o.body)) +
        Buffer.byteLength(o.tail);
  }
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const out: WireOutcome[] = outcomes.map((o) => {
    if (!o.ok) return o;
    const { open, body, bodyBytes, block } = o;
    let textBytes: number;
    let tailBytes: number;
    let own: Uint8Array | undefined;
    let offset = at;
    if (block) {
      tailBytes = o.blockTail!;
      textBytes = block.length - tailBytes;
      if (inPlace) {
        own = block;
        offset = 0;
      } else bytes.set(block, at);
    } else {
      const openBytes = bytes.write(open, at);
      let bodyLen: number;
      if (bodyBytes) {
        bytes.set(bodyBytes, at + openBytes);
        bodyLen = bodyBytes.length;
      } else bodyLen = bytes.write(body, at + openBytes);
      textBytes = openBytes + bodyLen;
      tailBytes = bytes.write(o.tail, at + textBytes);
    }
    const chars = bodyBytes || block ? o.chars : body.length;
    // built field by field: a rest spread per file was a visible part of a warm pack
    const w: WirePacked = {
      path: o.path,
      ok: true,
      tail: o.tail,
      lastTail: o.lastTail,
      tokens: o.tokens,
      chars: o.chars,
      blockTokens: o.blockTokens,
      blockTokensLast: o.blockTokensLast,
      cached: o.cached,
      decodedFrom: o.decodedFrom,
      compressed: o.compressed,
      offset,
      bytes: own,
      textBytes,
      tailBytes,
      textChars: open.length + chars,
    };
    if (!own) at += textBytes + tailBytes;
    return w;
  });
  return { outcomes: out, bytes };
}
