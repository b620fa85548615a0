import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isBinaryFileSync } from 'isbinaryfile';
import { canCompress, compressSource } from './compress/index.js';
import { processContent } from './process-content.js';
import { styleRenderer } from './render/index.js';
import { describeFindings, findSecrets } from './secrets.js';
import { compileGlobs } from './select/patterns.js';
import { blockTokens } from './tokens/blocks.js';
import { flat, type TextScan, TokenCounter } from './tokens/counter.js';
import { type EncodingName, loadEncoding } from './tokens/encodings.js';
import type { PackStyle, SkipReason } from './types.js';

/** Everything a worker needs to process files; plain data (it crosses threads). */
export interface ProcessConfig {
  encoding: EncodingName;
  style: PackStyle;
  removeComments: boolean;
  lineNumbers: boolean;
  removeEmptyLines: boolean;
  truncateBase64: boolean;
  securityCheck: boolean;
  /** `--compress`: every file (true), none (false), or files matching these globs. */
  compress: boolean | string[];
  maxFileSize: number;
  /** Token-cache entries known at start (key → value), see cache.ts. */
  cache: Map<string, string>;
}

export interface PackedOutcome {
  path: string;
  ok: true;
  /** The block is open + body + tail; the writer adds the tail (JSON's depends on position). */
  open: string;
  body: string;
  /**
   * The warm fast path: the body is exactly these bytes of the file (then `body` is '').
   * Set only when a cache hit says the rendered body equals the trimmed file text.
   */
  bodyBytes?: Uint8Array;
  tail: string;
  lastTail?: string;
  tokens: number;
  chars: number;
  /** Exact tokens of text + tail, and of text + lastTail (JSON). */
  blockTokens: number;
  blockTokensLast?: number;
  cached: boolean;
  /** Set when the file was not UTF-8 but decoded from another encoding (UTF-16 with a BOM). */
  decodedFrom?: string;
  /** With --compress: true when bodies were elided, false when no grammar knows the language. */
  compressed?: boolean;
}

export interface SkippedOutcome {
  path: string;
  ok: false;
  reason: SkipReason;
  detail?: string;
}

/** A file we could not read at all: the pack stops (exit 2) and names it. */
export interface FailedOutcome {
  path: string;
  ok: false;
  reason: 'unreadable';
  detail: string;
}

export type FileOutcome = PackedOutcome | SkippedOutcome | FailedOutcome;

/** Bump when anything that feeds a cached number changes (tokenizer, rendering, rules). */
const CACHE_VERSION = '1';

/** A cached count whose body is the file's bytes as they are: `tokens block =chars`. */
const FAST = /^(\d+) (\d+) =(\d+)$/;
const IDENTITY = / =\d+$/;

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

/** Git's blob id of `buf` (what `git hash-object` prints): the content key of the cache. */
export function blobId(buf: Buffer): string {
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

const isSpaceByte = (b: number) => b === 32 || (b >= 9 && b <= 13);

/**
 * The file's text without a byte-order mark and without surrounding ASCII blank space,
 * decoded straight from that byte range, so the string is flat (no slice view) and
 * usually needs no further trim.
 */
function trimmedRange(buf: Buffer): [number, number] {
  let a = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let b = buf.length;
  while (a < b && isSpaceByte(buf[a]!)) a++;
  while (b > a && isSpaceByte(buf[b - 1]!)) b--;
  return [a, b];
}

function decodeTrimmed(buf: Buffer): string {
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

function binaryKind(buf: Buffer): string | undefined {
  for (const [kind, sig] of MAGIC) if (sig.every((b, i) => buf[i] === b)) return kind;
  return undefined;
}

/**
 * UTF-16 text with a byte-order mark (what Windows tools write), decoded; undefined when
 * the bytes are not valid UTF-16 or hold NULs (then they are binary after all).
 */
function decodeUtf16(buf: Buffer): { text: string; from: string } | undefined {
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
function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control > n / 10;
}

/**
 * Read, classify, scan, transform, render and count one file. Used inside workers and,
 * for small packs or when workers are unavailable, in the main thread.
 */
export class FileProcessor {
  private counter?: Promise<TokenCounter>;
  private readonly fresh: [string, string][] = [];
  private readonly flags: string;
  private readonly compressMatch: (path: string) => boolean;
  /** No option rewrites file text and the style does not escape it (see fastHit). */
  private readonly bytesAsIs: boolean;

  constructor(private readonly cfg: ProcessConfig) {
    const c = cfg.compress;
    const globs = Array.isArray(c) ? compileGlobs(c, 'compress') : undefined;
    this.compressMatch = c === true ? () => true : globs ? (p) => globs.ignores(p) : () => false;
    this.bytesAsIs =
      (cfg.style === 'xml' || cfg.style === 'plain') &&
      !cfg.removeComments &&
      !cfg.lineNumbers &&
      !cfg.removeEmptyLines &&
      !cfg.truncateBase64;
    const bits = [cfg.removeComments, cfg.lineNumbers, cfg.removeEmptyLines, cfg.truncateBase64];
    this.flags = `${CACHE_VERSION}\0${cfg.encoding}\0${cfg.style}\0${bits.map((b) => (b ? 1 : 0)).join('')}`;
  }

  /** Cache entries computed since the last call. */
  takeEntries(): [string, string][] {
    return this.fresh.splice(0);
  }

  private tokens(): Promise<TokenCounter> {
    this.counter ??= loadEncoding(this.cfg.encoding).then((ref) => new TokenCounter(ref));
    return this.counter;
  }

  private tokenKey(path: string, blob: string, compress: boolean): string {
    return sha1(`t\0${this.flags}${compress ? 'c' : ''}\0${blob}\0${path}`);
  }

  /**
   * A cache hit whose body is the file's own trimmed bytes (no transform, nothing to
   * escape): packed without decoding the file or encoding it again. Only when no option
   * rewrites text; the secret result must be cached too.
   */
  private fastHit(path: string, buf: Buffer, blob: string): PackedOutcome | undefined {
    if (!this.bytesAsIs || this.compressMatch(path)) return undefined;
    if (this.cfg.securityCheck && this.cfg.cache.get(sha1(`s\0${CACHE_VERSION}\0${blob}`)) !== '')
      return undefined;
    const hit = this.cfg.cache.get(this.tokenKey(path, blob, false));
    const m = hit === undefined ? null : FAST.exec(hit);
    if (!m) return undefined;
    const [a, b] = trimmedRange(buf);
    const block = styleRenderer(this.cfg.style).file(path, '', Number(m[1]));
    return {
      path,
      ok: true,
      open: block.open,
      body: '',
      bodyBytes: buf.subarray(a, b),
      tail: block.tail,
      tokens: Number(m[1]),
      chars: Number(m[3]),
      blockTokens: Number(m[2]),
      cached: true,
    };
  }

  private remember(key: string, value: string): void {
    this.fresh.push([key, value]); // the caller adds these to the persistent cache
  }

  /** The stat index key: a path's size and mtime when its counts were last cached. */
  private statKey(path: string): string {
    return sha1(`i\0${this.flags}${this.compressMatch(path) ? 'c' : ''}\0${path}`);
  }

  /**
   * What `path` will come to, judged from its size and mtime against the stat index (no
   * read, no hash): 'packed' (a cache hit), a skip reason, or undefined (unknown: it must
   * be read and counted). Only a guess, used to choose in-thread vs workers and to mark
   * the tree before reading; the real check is by content.
   */
  predict(root: string, path: string): 'packed' | SkipReason | undefined {
    const seen = this.cfg.cache.get(this.statKey(path));
    if (seen === undefined) return undefined;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(join(root, path));
    } catch {
      return undefined;
    }
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (!seen.startsWith(stamp)) return undefined;
    const rest = seen.slice(stamp.length);
    return rest === '' ? 'packed' : rest[0] === ':' ? (rest.slice(1) as SkipReason) : undefined;
  }

  async process(root: string, path: string): Promise<FileOutcome> {
    this.stamp = undefined;
    const out = await this.processOne(root, path);
    // Every content-decided outcome is cached (counts, secret findings) or cheap (binary).
    if (
      this.stamp &&
      (out.ok || out.reason === 'binary' || out.reason === 'not-utf8' || out.reason === 'secret')
    ) {
      const sk = this.statKey(path);
      const value = out.ok ? this.stamp : `${this.stamp}:${out.reason}`;
      if (this.cfg.cache.get(sk) !== value) this.remember(sk, value);
    }
    return out;
  }

  private stamp: string | undefined;

  private async processOne(root: string, path: string): Promise<FileOutcome> {
    const abs = join(root, path);
    let buf: Buffer;
    try {
      const st = lstatSync(abs);
      this.stamp = `${st.size}:${st.mtimeMs}`;
      if (st.isSymbolicLink())
        return { path, ok: false, reason: 'symlink', detail: `→ ${readlinkSync(abs)}` };
      if (st.isDirectory())
        return { path, ok: false, reason: 'not-a-file', detail: 'a directory (git submodule?)' };
      if (!st.isFile()) return { path, ok: false, reason: 'not-a-file', detail: 'not a regular file' };
      if (st.size > this.cfg.maxFileSize) {
        return { path, ok: false, reason: 'too-large', detail: `${st.size} bytes > ${this.cfg.maxFileSize}` };
      }
      buf = readFileSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return { path, ok: false, reason: 'missing', detail: 'deleted from the working tree' };
      return { path, ok: false, reason: 'unreadable', detail: (err as Error).message };
    }
    if (buf.length > this.cfg.maxFileSize) {
      return {
        path,
        ok: false,
        reason: 'too-large',
        detail: `${buf.length} bytes > ${this.cfg.maxFileSize}`,
      };
    }
    const kind = binaryKind(buf);
    if (kind) return { path, ok: false, reason: 'binary', detail: kind };
    let raw: string;
    let decodedFrom: string | undefined;
    const blob = blobId(buf);
    if (isUtf8(buf)) {
      if (buf.length > 0 && isBinaryFileSync(buf, buf.length)) return { path, ok: false, reason: 'binary' };
      const fast = this.fastHit(path, buf, blob);
      if (fast) return fast;
      raw = decodeTrimmed(buf);
    } else {
      const u16 = decodeUtf16(buf);
      if (!u16) return { path, ok: false, reason: looksBinary(buf) ? 'binary' : 'not-utf8' };
      raw = u16.text;
      decodedFrom = u16.from;
    }

    if (this.cfg.securityCheck) {
      const key = sha1(`s\0${CACHE_VERSION}\0${blob}`);
      let found = this.cfg.cache.get(key);
      if (found === undefined) {
        found = describeFindings(await findSecrets(path, raw));
        this.remember(key, found);
      }
      if (found !== '') return { path, ok: false, reason: 'secret', detail: found };
    }

    const wantsCompress = this.compressMatch(path);
    const compress = wantsCompress && canCompress(path);
    const content = processContent(
      // a parser failure packs the file whole rather than failing the pack
      compress ? ((await compressSource(raw, path).catch(() => undefined)) ?? raw) : raw,
      path,
      this.cfg,
    );
    const renderer = styleRenderer(this.cfg.style);
    const key = this.tokenKey(path, blob, compress);
    const hit = this.cfg.cache.get(key)?.replace(IDENTITY, '').split(' ').map(Number);
    const cached = hit !== undefined && hit.length >= 2 && hit.every(Number.isFinite);
    let counter: TokenCounter | undefined;
    let scanned: TextScan | undefined;
    if (!cached) {
      counter = await this.tokens();
      scanned = counter.scan(content);
    }
    const tokens = cached ? hit[0]! : scanned!.total;
    const block = renderer.file(path, content, tokens);
    let counted: number[];
    if (cached) counted = hit.slice(1);
    else {
      const scan = block.body === content ? scanned! : counter!.scan(block.body);
      counted = [blockTokens(counter!, block, scan, block.tail)];
      if (block.lastTail !== undefined) counted.push(blockTokens(counter!, block, scan, block.lastTail));
      // `=` marks a body that is the file's trimmed bytes as they are (see fastHit)
      const same = !decodedFrom && content === raw && block.body === content && block.lastTail === undefined;
      this.remember(key, [tokens, ...counted].join(' ') + (same ? ` =${content.length}` : ''));
    }
    return {
      path,
      ok: true,
      open: block.open,
      body: block.body,
      tail: block.tail,
      lastTail: block.lastTail,
      tokens,
      chars: content.length,
      blockTokens: counted[0]!,
      blockTokensLast: counted[1],
      cached,
      ...(decodedFrom ? { decodedFrom } : {}),
      ...(wantsCompress ? { compressed: compress } : {}),
    };
  }
}
