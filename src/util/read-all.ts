import type { Readable } from 'node:stream';

/**
 * All of a stream as UTF-8 text. The bytes are joined before decoding, so a character
 * split across two chunks arrives whole.
 */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}
