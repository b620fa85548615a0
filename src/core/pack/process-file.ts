import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { isBinaryFileSync } from 'isbinaryfile';
import { canCompress, compressSource } from './compress/index.js';
import { binaryKind, blobId, decodeUtf16, looksBinary, trimmedRange } from './file-text.js';
import { processContent } from './process-content.js';
import { styleRenderer } from './render/index.js';
import { describeFindings, findSecrets } from './secrets.js';
import { compileGlobs } from './select/patterns.js';
import { blockTokens } from './tokens/blocks.js';
import { type TextScan, TokenCounter } from './tokens/counter.js';
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
  /** Never compressed, whatever `compress` says (PackOptions.keep). */
  keep?: string[];
  maxFileSize: number;
  /** Token-cache entries known at start (key → value), see cache.ts. */
  cache: Map<string, string>;
  /** How old a file's ctime must be for the stat index to vouch for it (default RACY_MS). */
  racyMs?: number;
}

export interface PackedOutcome {
  path: string;
  ok: true;
  /** The block is open + body + tail; the writer adds the tail (JSON's depends on position). */
  open: string;
  body: string;
  /**
   * The body is exactly these bytes of the file (then `body` is ''): set on a cache hit
   * that says the rendered body equals the trimmed file text (the warm fast path), and
   * when a file just read renders as it is.
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

/** One-shot (no Hash object): three keys a file, ~3× cheaper than createHash for short input. */
const sha1 = (s: string) => hash('sha1', s);

/**
 * A stat index entry trusts its recorded blob id only when the file's ctime was at least
 * this old when it was read (git's "racy clean" rule): a later write then always changes
 * ctime, so an equal stamp means equal content and the file need not be hashed again.
 */
export const RACY_MS = 2000;

/** size, mtime, ctime and inode: what the stat index compares (ctime cannot be set by hand). */
const stampOf = (st: Stats) => `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;

/** What predict learnt about a path, handed to process() so the file is not lstat'ed twice. */
export interface Prior {
  st: Stats;
  key: string;
}

/** Files are read into shared chunks of this size (fewer allocations, less GC). */
const ARENA = 1 << 20;

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
    const match = c === true ? () => true : globs ? (p: string) => globs.ignores(p) : () => false;
    const keep = new Set(cfg.keep);
    this.compressMatch = keep.size ? (p) => !keep.has(p) && match(p) : match;
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
    // an empty cache (a cold pack) cannot hit: skip the key hashing
    if (!this.bytesAsIs || this.cfg.cache.size === 0 || this.compressMatch(path)) return undefined;
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

  /** The stat index key: a path's stamp (see stampOf) when its counts were last cached. */
  private statKey(path: string): string {
    return sha1(`i2\0${this.flags}${this.compressMatch(path) ? 'c' : ''}\0${path}`);
  }

  private arena = Buffer.allocUnsafeSlow(0);
  private arenaUsed = 0;

  /**
   * The file's bytes (at most `size` + 1 of them: more means it grew, and it is read
   * whole), in a shared chunk rather than a buffer of its own; with `check`, also its
   * fstat after the read (did it change while we read it?).
   */
  private read(abs: string, size: number, check: boolean): { buf: Buffer; after?: Stats } {
    if (size + 1 > this.arena.length - this.arenaUsed) {
      this.arena = Buffer.allocUnsafeSlow(Math.max(ARENA, size + 1));
      this.arenaUsed = 0;
    }
    const fd = openSync(abs, 'r');
    try {
      const n = readSync(fd, this.arena, this.arenaUsed, size + 1, 0);
      if (n > size) return { buf: readFileSync(abs) }; // it grew since the lstat: take all of it
      const buf = this.arena.subarray(this.arenaUsed, this.arenaUsed + n);
      this.arenaUsed += n;
      return { buf, after: check ? fstatSync(fd) : undefined };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * What `path` will come to, judged from its size and mtime against the stat index (no
   * read, no hash): 'packed' (a cache hit), a skip reason, or undefined (unknown: it must
   * be read and counted). Only a guess, used to choose in-thread vs workers and to mark
   * the tree before reading; the real check is by content.
   */
  predict(root: string, path: string): { outcome: 'packed' | SkipReason | undefined; prior?: Prior } {
    const key = this.statKey(path);
    const seen = this.cfg.cache.get(key);
    if (seen === undefined) return { outcome: undefined };
    let st: Stats;
    try {
      st = lstatSync(join(root, path));
    } catch {
      return { outcome: undefined };
    }
    const prior = { st, key };
    const stamp = stampOf(st);
    if (!seen.startsWith(stamp)) return { outcome: undefined, prior };
    const rest = seen.slice(stamp.length);
    const outcome =
      rest === '' || rest[0] === '=' ? 'packed' : rest[0] === ':' ? (rest.slice(1) as SkipReason) : undefined;
    return { outcome, prior };
  }

  /** Process one file; `prior` is what predict() already found out about it. */
  async process(root: string, path: string, prior?: Prior): Promise<FileOutcome> {
    this.stamp = undefined;
    this.blob = undefined;
    const key = prior?.key ?? this.statKey(path);
    const out = await this.processOne(root, path, key, prior?.st);
    // Every content-decided outcome is cached (counts, secret findings) or cheap (binary).
    if (
      this.stamp &&
      (out.ok || out.reason === 'binary' || out.reason === 'not-utf8' || out.reason === 'secret')
    ) {
      const value = out.ok ? this.stamp + (this.blob ? `=${this.blob}` : '') : `${this.stamp}:${out.reason}`;
      if (this.cfg.cache.get(key) !== value) this.remember(key, value);
    }
    return out;
  }

  private stamp: string | undefined;
  /** The blob id to record with the stamp: only when the file was not racily new (RACY_MS). */
  private blob: string | undefined;

  private async processOne(root: string, path: string, statKey: string, known?: Stats): Promise<FileOutcome> {
    const abs = join(root, path);
    let buf: Buffer;
    let trusted: string | undefined;
    let racyOk = false;
    try {
      const st = known ?? lstatSync(abs);
      this.stamp = stampOf(st);
      if (st.isSymbolicLink())
        return { path, ok: false, reason: 'symlink', detail: `→ ${readlinkSync(abs)}` };
      if (st.isDirectory())
        return { path, ok: false, reason: 'not-a-file', detail: 'a directory (git submodule?)' };
      if (!st.isFile()) return { path, ok: false, reason: 'not-a-file', detail: 'not a regular file' };
      if (st.size > this.cfg.maxFileSize) {
        return { path, ok: false, reason: 'too-large', detail: `${st.size} bytes > ${this.cfg.maxFileSize}` };
      }
      // The stat index vouches for the content when the stamp is unchanged: no hash needed.
      const seen = this.cfg.cache.get(statKey);
      const eq = seen?.startsWith(`${this.stamp}=`) ? this.stamp.length + 1 : -1;
      const r = this.read(abs, st.size, eq > 0);
      buf = r.buf;
      // ...as long as the file did not change between the lstat and the end of the read
      if (eq > 0 && r.after && stampOf(r.after) === this.stamp) trusted = seen!.slice(eq);
      racyOk = Date.now() - st.ctimeMs > (this.cfg.racyMs ?? RACY_MS);
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
    if (trusted) {
      // recorded only for UTF-8 text packed as it is (below), so the checks before that hold
      const fast = this.fastHit(path, buf, trusted);
      if (fast) {
        this.blob = trusted;
        return fast;
      }
    }
    const kind = binaryKind(buf);
    if (kind) return { path, ok: false, reason: 'binary', detail: kind };
    let raw: string;
    let range: [number, number] | undefined;
    let decodedFrom: string | undefined;
    const blob = trusted ?? blobId(buf);
    if (racyOk) this.blob = blob;
    if (isUtf8(buf)) {
      if (buf.length > 0 && isBinaryFileSync(buf, buf.length)) return { path, ok: false, reason: 'binary' };
      const fast = this.fastHit(path, buf, blob);
      if (fast) return fast;
      range = trimmedRange(buf);
      raw = buf.toString('utf8', range[0], range[1]); // decodeTrimmed, keeping the range
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
    // The body is the file's trimmed bytes as they are: hand those on (no UTF-8 encoding of
    // the text again on the way out, see toWire).
    const asIs = range !== undefined && content === raw && block.body === content;
    return {
      path,
      ok: true,
      open: block.open,
      body: asIs ? '' : block.body,
      ...(asIs ? { bodyBytes: buf.subarray(range![0], range![1]) } : {}),
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
