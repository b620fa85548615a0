/**
 * Reading a file's bytes as text: binary signatures, UTF-16 with a BOM, and the trimmed
 * byte range packed (its content id is `blobId` in core/git/blob-id.ts).
 */
import { flat } from './tokens/counter.js';

const isSpaceByte = (b: number) => b === 32 || (b >= 9 && b <= 13);

/**
 * The file's text without a byte-order mark and without surrounding ASCII blank space,
 * decoded straight from that byte range, so the string is flat (no slice view) and
 * usually needs no further trim.
 */
export function trimmedRange(buf: Buffer): [number, number] {
  let a = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let b = buf.length;
  while (a < b && isSpaceByte(buf[a]!)) a++;
  while (b > a && isSpaceByte(buf[b - 1]!)) b--;
  return [a, b];
}

export function decodeTrimmed(buf: Buffer): string {
  const [a, b] = trimmedRange(buf);
  return buf.toString('utf8', a, b);
}

/** File signatures of binary formats whose first bytes can pass as text (a PDF often does). */
const MAGIC: [string, number[]][] = [
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['OLE document', [0xd0, 0xcf, 0x11, 0xe0]],
  ['gzip data', [0x1f, 0x8b]],
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
];

export function binaryKind(buf: Buffer): string | undefined {
  for (const [kind, sig] of MAGIC) if (sig.every((b, i) => buf[i] === b)) return kind;
  return undefined;
}

/**
 * UTF-16 text with a byte-order mark (what Windows tools write), decoded; undefined when
 * the bytes are not valid UTF-16 or hold NULs (then they are binary after all).
 */
export function decodeUtf16(buf: Buffer): { text: string; from: string } | undefined {
  const le = buf[0] === 0xff && buf[1] === 0xfe;
  const be = buf[0] === 0xfe && buf[1] === 0xff;
  if (!(le || be) || buf.length % 2 !== 0) return undefined;
  if (le && buf.length >= 4 && buf[2] === 0 && buf[3] === 0) return undefined; // UTF-32 LE
  let text: string;
  try {
    text = new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(buf.subarray(2));
  } catch {
    return undefined;
  }
  if (text.includes('\0')) return undefined;
  return { text: flat(text.trim()), from: le ? 'UTF-16 LE' : 'UTF-16 BE' };
}

/**
 * For bytes that are not UTF-8: binary (a NUL, or many control bytes, in the first 8000
 * bytes, git's window) or text in a legacy encoding such as Latin-1.
 */
export function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control > n / 10;
}
