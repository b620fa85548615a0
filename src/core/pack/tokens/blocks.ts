import type { FileBlock } from '../render/types.js';
import type { TextScan, TokenCounter } from './counter.js';

/**
 * Exact tokens a file block adds to the output, given the scan of its body.
 *
 * The output is header + block… + footer, and each seam is chosen so that no
 * pre-tokenizer piece can span it (a segment ends in a newline, the next begins with a
 * character that newline's piece cannot absorb), so the output's count is the sum of its
 * segments' counts. Inside a block, the opening's last piece may merge with the body's
 * first characters (`">\n` + `//…`), so that piece is re-counted together with the body.
 */
export function blockTokens(counter: TokenCounter, block: FileBlock, scan: TextScan, tail: string): number {
  const lead = counter.lastPieceStart(block.open);
  const last = block.open.slice(lead);
  const openBefore = counter.count(block.open) - counter.pieceTokens(last);
  return openBefore + counter.joined(last, block.body, tail, scan);
}
