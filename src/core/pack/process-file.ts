import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { sep } from 'node:path';
import { blobId } from '../git/blob-id.js';
import { giveBackArena, takeArena } from './arena.js';
import { canCompress, compressSource } from './compress/index.js';
import { binaryKind, decodeUtf16, looksBinary, trimmedRange } from './file-text.js';
import { processContent } from './process-content.js';
import { styleRenderer } from './render/index.js';
import { contentFlags, SECRET_HINT } from './secret-prefilter.js';
import { describeFindings, pathForcesScan, scanForSecrets } from './secrets.js';
import { compileGlobs } from './select/patterns.js';
import { blockTokens } from './tokens/blocks.js';
import { counterFor, type TextScan, type TokenCounter } from './tokens/counter.js';
import type { EncodingName } from './tokens/encodings.js';
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
  /**
   * The warmest path: open + body + tail already laid out as bytes (in the reader's arena,
   * see placed); then `body` is '', and the last `blockTail` of these bytes are the tail.
   */
  block?: Uint8Array;
  blockTail?: number;
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

/** isbinaryfile, loaded when a file is first looked at closely (a warm hit never is). */
let isBinary: typeof import('isbinaryfile').isBinaryFileSync | undefined;
const binaryCheck = async () => (isBinary ??= warmedUp((await import('isbinaryfile')).isBinaryFileSync));

/**
 * Buffers that take isbinaryfile's branches (BOMs, PDF, NUL, controls, 2-4 byte UTF-8, broken
 * sequences) before V8 compiles it: each branch first met after that threw the compiled
 * code away (4 compiles a thread a cold pack).
 */
function warmedUp<F extends (b: Buffer, n: number) => boolean>(check: F): F {
  const samples = [
    'plain text, lines\n\tand tabs\r\n',
    'utf-8: é ß ü 日本語 😀 \u0001\u001b end',
    '%PDF-1.7\n',
  ].map((t) => Buffer.from(t));
  for (const b of [
    [0xef, 0xbb, 0xbf, 65],
    [0xff, 0xfe, 65, 0],
    [0xfe, 0xff, 0, 65],
    [65, 0, 66],
    [0xc3, 65, 66],
    [0xe2, 0x82, 65],
    [0xf0, 0x9f, 0x98, 65],
    [0x80, 0x81, 0x82, 0x83],
  ])
    samples.push(Buffer.from(b));
  for (let k = 0; k < 2; k++) for (const b of samples) check(b, b.length);
  return check;
}

/** Bump when anything that feeds a cached number changes (tokenizer, rendering, rules). */
const CACHE_VERSION = '1';

/** A cached count whose body is the file's bytes as they are: `tokens block =chars`. */
const FAST = /^(\d+) (\d+) =(\d+)$/;
const IDENTITY = / =\d+$/;

const sha1 = (s: string) => hash('sha1', s); // one-shot: no Hash object per key

/** Texts shorter than this are counted again rather than remembered (cheap either way). */
const SEEN_MIN = 512;
/** Scans remembered per thread before starting over (bounds memory on huge packs). */
const SEEN_LIMIT = 50_000;

/**
 * A stat index entry trusts its recorded blob id only when the file's ctime was at least
 * this old when it was read (git's "racy clean" rule): a later write then always changes
 * ctime, so an equal stamp means equal content and the file need not be hashed again.
 */
export const RACY_MS = 2000;

/** size, mtime, ctime and inode: what the stat index compares (ctime cannot be set by hand). */
const stampOf = (size: number, mtimeMs: number, ctimeMs: number, ino: number) =>
  `${size}:${mtimeMs}:${ctimeMs}:${ino}`;
const kindOf = (st: Stats) =>
  st.isFile() ? FILE : st.isSymbolicLink() ? SYMLINK : st.isDirectory() ? DIR : OTHER;
const FILE = 1;
const SYMLINK = 2;
const DIR = 3;
const OTHER = 4;
const READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * A stat index entry is `stamp`, `stamp:reason` (left out), `stamp=blob` (packed; the blob
 * id only under the racy-clean rule), or `stamp=blob COUNTS` when the block is the file's
 * own bytes (see fastHit): COUNTS is `tokens block chars`, plus ` s` when that content was
 * scanned for secrets and found clean. Then a warm hit needs no other cache lookup.
 */
const COUNTS = /^(\d+) (\d+) (\d+)( s)?$/;

/**
 * What predict learnt about each path (by position), handed to process() so that a file is
 * not lstat'ed twice: numbers in typed arrays rather than a Stats object per file, which a
 * warm pack held for every file until it was read (13.8k Stats, four Dates each, copied by
 * every young-generation GC).
 */
export class Priors {
  /** The stat index entry read for the path (kind 0: none, or no lstat). */
  readonly seen: (string | undefined)[];
  /** The length of the lstat's stamp when the entry starts with it, else 0. */
  readonly stampLen: Uint16Array;
  /** size, mtimeMs, ctimeMs, ino of the lstat, four per path. */
  readonly nums: Float64Array;
  /** 0: nothing known; else FILE, SYMLINK, DIR or OTHER. */
  readonly kind: Uint8Array;

  constructor(n: number) {
    this.seen = new Array(n);
    this.stampLen = new Uint16Array(n);
    this.nums = new Float64Array(4 * n);
    this.kind = new Uint8Array(n);
  }
}

/**
 * `root` + `path` without path.join's normalising pass (a visible cost per file): the
 * paths are relative, '/'-separated and clean (git's listing, or our walk), `root` absolute.
 */
const under = (root: string, path: string) =>
  root.endsWith('/') || root.endsWith(sep) ? root + path : `${root}/${path}`;

/** A warm hit's counts and block, known from the stat index before the file is read. */
interface Layout {
  tokens: number;
  blockTokens: number;
  chars: number;
  open: string;
  tail: string;
  openBytes: number;
  tailBytes: number;
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

  /** Texts (by blob id) the prefilter cleared whatever their name (see scanForSecrets). */
  private readonly cleared = new Set<string>();
  /** This run's scans of texts (by blob id) and of their rendered bodies when those differ. */
  private seen = new Map<string, { text: TextScan; body?: TextScan }>();

  private see(blob: string, text: TextScan, body: TextScan | undefined): void {
    if (this.seen.size >= SEEN_LIMIT) this.seen = new Map();
    this.seen.set(blob, { text, body });
  }

  /** Cache entries computed since the last call. */
  takeEntries(): [string, string][] {
    return this.fresh.splice(0);
  }

  private tokens(): Promise<TokenCounter> {
    this.counter ??= counterFor(this.cfg.encoding);
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
    this.counts = ` ${m[1]} ${m[2]} ${m[3]}${this.cfg.securityCheck ? ' s' : ''}`;
    return this.asIs(path, buf, Number(m[1]), Number(m[2]), Number(m[3]));
  }

  /** The packed outcome of a file whose block body is its own trimmed bytes. */
  private asIs(path: string, buf: Buffer, tokens: number, blockTokens: number, chars: number): PackedOutcome {
    const [a, b] = trimmedRange(buf);
    const block = styleRenderer(this.cfg.style).file(path, '', tokens);
    return {
      path,
      ok: true,
      open: block.open,
      body: '',
      bodyBytes: buf.subarray(a, b),
      tail: block.tail,
      tokens,
      chars,
      blockTokens,
      cached: true,
    };
  }

  /**
   * The warmest hit, prepared before the read: the stat index entry carries the counts
   * (see COUNTS), so neither the token key nor the secret key is hashed and looked up (the
   * same conditions as fastHit), and the block is known, so the read leaves room for it.
   */
  private layoutFor(path: string, counts: string): Layout | undefined {
    if (!this.bytesAsIs || this.compressMatch(path)) return undefined;
    const m = COUNTS.exec(counts);
    if (!m || (this.cfg.securityCheck && m[4] === undefined)) return undefined;
    const lay = this.layout;
    lay.tokens = Number(m[1]);
    lay.blockTokens = Number(m[2]);
    lay.chars = Number(m[3]);
    const block = styleRenderer(this.cfg.style).file(path, '', lay.tokens);
    lay.open = block.open;
    lay.tail = block.tail;
    lay.openBytes = Buffer.byteLength(block.open);
    lay.tailBytes = Buffer.byteLength(block.tail);
    return lay;
  }

  private readonly layout: Layout = {
    tokens: 0,
    blockTokens: 0,
    chars: 0,
    open: '',
    tail: '',
    openBytes: 0,
    tailBytes: 0,
  };

  /**
   * The block of a trusted file laid out where it was read: open just before its trimmed
   * bytes (in the room read() left), tail just after. The next file is read right behind
   * it, so the blocks of a warm pack lie end to end and are written with few large writes.
   */
  private placed(path: string, buf: Buffer, lay: Layout): PackedOutcome {
    const at = this.readAt;
    if (at < 0) return this.asIs(path, buf, lay.tokens, lay.blockTokens, lay.chars);
    const [a, b] = trimmedRange(buf);
    const start = at + a - lay.openBytes;
    this.arena.write(lay.open, start);
    this.arena.write(lay.tail, at + b);
    const end = at + b + lay.tailBytes;
    this.arenaUsed = end; // the trimmed end is free again
    return {
      path,
      ok: true,
      open: lay.open,
      body: '',
      block: this.arena.subarray(start, end),
      blockTail: lay.tailBytes,
      tail: lay.tail,
      tokens: lay.tokens,
      chars: lay.chars,
      blockTokens: lay.blockTokens,
      cached: true,
    };
  }

  private remember(key: string, value: string): void {
    this.fresh.push([key, value]); // the caller adds these to the persistent cache
  }

  /** The stat index key: a path's stamp (see stampOf) when its counts were last cached. */
  private statKey(path: string): string {
    return sha1(`i3\0${this.flags}${this.compressMatch(path) ? 'c' : ''}\0${path}`);
  }

  private arena: Buffer = Buffer.allocUnsafeSlow(0);
  private arenaUsed = 0;
  /** Chunks this reader has moved on from (it writes nothing more into them). */
  private retired: Buffer[] = [];

  /**
   * Every outcome so far has been delivered and its bytes written out, except those in
   * `inUse` (a writer's held tail): the chunks moved on from can be read into again.
   */
  recycle(inUse: ArrayBufferLike | undefined): void {
    const keep: Buffer[] = [];
    for (const b of this.retired) {
      if (b.buffer === inUse) keep.push(b);
      else giveBackArena(b);
    }
    this.retired = keep;
  }

  get hasRetired(): boolean {
    return this.retired.length > 0;
  }
  /** Where the last read put the file in the arena (-1: not there). */
  private readAt = -1;

  /**
   * The file's bytes (at most `size` + 1 of them: more means it grew, and it is read
   * whole), in a shared chunk rather than a buffer of its own, with `before` and `after`
   * bytes of room around them (see placed); with `check`, also its fstat after the read
   * (did it change while we read it?).
   */
  private read(
    abs: string,
    size: number,
    check: boolean,
    before = 0,
    after = 0,
    opened = -1,
  ): { buf: Buffer; after?: Stats } {
    this.readAt = -1;
    const need = before + size + 1 + after;
    if (need > this.arena.length - this.arenaUsed) {
      if (this.arena.length > 0) this.retired.push(this.arena);
      this.arena = takeArena(need);
      this.arenaUsed = 0;
    }
    const fd = opened >= 0 ? opened : openSync(abs, 'r');
    try {
      const at = this.arenaUsed + before;
      const n = readSync(fd, this.arena, at, size + 1, 0);
      if (n > size) return { buf: readFileSync(abs) }; // it grew since the lstat: take all of it
      this.readAt = at;
      this.arenaUsed = at + n + after;
      return { buf: this.arena.subarray(at, at + n), after: check ? fstatSync(fd) : undefined };
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
  predict(root: string, path: string, priors: Priors, i: number): 'packed' | SkipReason | undefined {
    const seen = this.cfg.cache.get(this.statKey(path));
    if (seen === undefined) return undefined;
    let st: Stats;
    try {
      st = lstatSync(under(root, path));
    } catch {
      return undefined;
    }
    priors.seen[i] = seen;
    priors.kind[i] = kindOf(st);
    const n = priors.nums;
    n[4 * i] = st.size;
    n[4 * i + 1] = st.mtimeMs;
    n[4 * i + 2] = st.ctimeMs;
    n[4 * i + 3] = st.ino;
    const stamp = stampOf(st.size, st.mtimeMs, st.ctimeMs, st.ino);
    if (!seen.startsWith(stamp)) return undefined;
    priors.stampLen[i] = stamp.length;
    const rest = seen.slice(stamp.length);
    return rest === '' || rest[0] === '='
      ? 'packed'
      : rest[0] === ':'
        ? (rest.slice(1) as SkipReason)
        : undefined;
  }

  /**
   * Process one file; `priors[i]` is what predict() already found out about it. A warm hit
   * is decided without a promise (one per file was a visible part of a warm pack); anything
   * that needs more work comes back as one.
   */
  process(root: string, path: string, priors?: Priors, i = -1): FileOutcome | Promise<FileOutcome> {
    this.stamp = undefined;
    this.blob = undefined;
    this.counts = undefined;
    this.unchanged = false;
    this.key = undefined;
    const known = priors && i >= 0 && priors.kind[i] !== 0 ? i : -1;
    const out = this.processOne(root, path, priors, known);
    if (out instanceof Promise) return out.then((o) => this.record(path, o, priors, known));
    return this.record(path, out, priors, known);
  }

  private record(path: string, out: FileOutcome, priors: Priors | undefined, known: number): FileOutcome {
    // Every content-decided outcome is cached (counts, secret findings) or cheap (binary).
    if (
      this.stamp &&
      !this.unchanged &&
      (out.ok || out.reason === 'binary' || out.reason === 'not-utf8' || out.reason === 'secret')
    ) {
      const value = out.ok
        ? this.stamp + (this.blob ? `=${this.blob}${this.counts ?? ''}` : '')
        : `${this.stamp}:${out.reason}`;
      const key = this.key ?? this.statKey(path);
      if ((known >= 0 ? priors!.seen[known] : this.cfg.cache.get(key)) !== value) this.remember(key, value);
    }
    return out;
  }

  /** The stat key, when processOne had to compute it. */
  private key: string | undefined;

  private stamp: string | undefined;
  /** The blob id to record with the stamp: only when the file was not racily new (RACY_MS). */
  private blob: string | undefined;
  /** The COUNTS to record after the blob id (with its leading space), when they apply. */
  private counts: string | undefined;
  /** The stat index entry is already exactly what this file would record. */
  private unchanged = false;

  private processOne(
    root: string,
    path: string,
    priors: Priors | undefined,
    known: number,
  ): FileOutcome | Promise<FileOutcome> {
    const abs = under(root, path);
    let buf: Buffer;
    let trusted: string | undefined;
    let lay: Layout | undefined;
    let racyOk = false;
    let opened = -1;
    try {
      let kind: number;
      let size: number;
      let mtimeMs: number;
      let ctimeMs: number;
      let ino: number;
      let seen: string | undefined;
      if (known >= 0) {
        const n = priors!.nums;
        kind = priors!.kind[known]!;
        size = n[4 * known]!;
        mtimeMs = n[4 * known + 1]!;
        ctimeMs = n[4 * known + 2]!;
        ino = n[4 * known + 3]!;
        seen = priors!.seen[known];
        const len = priors!.stampLen[known]!;
        this.stamp = len > 0 ? seen!.slice(0, len) : stampOf(size, mtimeMs, ctimeMs, ino);
      } else {
        // Opened first and stat'ed through the descriptor: one path lookup a file, not two
        // (lstat then open). Never through a symlink (O_NOFOLLOW: ELOOP, then lstat says
        // what it is); O_NONBLOCK so a FIFO in the tree cannot hang the open.
        try {
          opened = openSync(abs, READ_NOFOLLOW);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
        }
        const st = opened >= 0 ? fstatSync(opened) : lstatSync(abs);
        kind = kindOf(st);
        size = st.size;
        mtimeMs = st.mtimeMs;
        ctimeMs = st.ctimeMs;
        ino = st.ino;
        this.stamp = stampOf(size, mtimeMs, ctimeMs, ino);
        this.key = this.statKey(path);
        seen = this.cfg.cache.get(this.key);
      }
      if (kind === SYMLINK) return { path, ok: false, reason: 'symlink', detail: `→ ${readlinkSync(abs)}` };
      if (kind === DIR)
        return { path, ok: false, reason: 'not-a-file', detail: 'a directory (git submodule?)' };
      if (kind !== FILE) return { path, ok: false, reason: 'not-a-file', detail: 'not a regular file' };
      if (size > this.cfg.maxFileSize) {
        return { path, ok: false, reason: 'too-large', detail: `${size} bytes > ${this.cfg.maxFileSize}` };
      }
      // The stat index vouches for the content when the stamp is unchanged: no hash needed.
      const L = this.stamp.length;
      const eq = seen !== undefined && seen.charCodeAt(L) === 61 && seen.startsWith(this.stamp) ? L + 1 : -1;
      const sp = eq > 0 ? seen!.indexOf(' ', eq) : -1;
      lay = sp > 0 ? this.layoutFor(path, seen!.slice(sp + 1)) : undefined;
      const fd = opened;
      opened = -1; // read closes it, even when it throws
      const r = this.read(abs, size, eq > 0, lay?.openBytes, lay?.tailBytes, fd);
      buf = r.buf;
      // ...as long as the file did not change between the stat and the end of the read
      const a = r.after;
      if (eq > 0 && a && a.size === size && a.mtimeMs === mtimeMs && a.ctimeMs === ctimeMs && a.ino === ino)
        trusted = seen!.slice(eq, sp < 0 ? undefined : sp);
      racyOk = Date.now() - ctimeMs > (this.cfg.racyMs ?? RACY_MS);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return { path, ok: false, reason: 'missing', detail: 'deleted from the working tree' };
      return { path, ok: false, reason: 'unreadable', detail: (err as Error).message };
    } finally {
      if (opened >= 0) closeSync(opened); // left out before the read
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
      if (lay) {
        this.unchanged = true;
        return this.placed(path, buf, lay);
      }
      const fast = this.fastHit(path, buf, trusted);
      if (fast) {
        this.blob = trusted;
        return fast;
      }
    }
    return this.readText(path, buf, trusted, racyOk);
  }

  /** The rest: classify, decode, scan, transform, render and count (or find the counts). */
  private async readText(
    path: string,
    buf: Buffer,
    trusted: string | undefined,
    racyOk: boolean,
  ): Promise<FileOutcome> {
    const kind = binaryKind(buf);
    if (kind) return { path, ok: false, reason: 'binary', detail: kind };
    let raw: string;
    let range: [number, number] | undefined;
    let decodedFrom: string | undefined;
    const blob = trusted ?? blobId(buf);
    if (racyOk) this.blob = blob;
    if (isUtf8(buf)) {
      if (buf.length > 0 && (await binaryCheck())(buf, buf.length))
        return { path, ok: false, reason: 'binary' };
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

    // raw holds nothing XML's CDATA must change (known from the byte pass, when it ran)
    let plain = false;
    if (this.cfg.securityCheck) {
      const key = sha1(`s\0${CACHE_VERSION}\0${blob}`);
      let found = this.cfg.cache.get(key);
      if (found === undefined && this.cleared.has(blob) && !pathForcesScan(path)) found = '';
      if (found === undefined) {
        // UTF-8: one pass over the bytes raw was decoded from (secret-prefilter.ts)
        const flags = range ? contentFlags(buf, range[0], range[1]) : -1;
        plain = flags === 0;
        const scan = await scanForSecrets(path, raw, flags < 0 ? undefined : (flags & SECRET_HINT) !== 0);
        found = describeFindings(scan.findings);
        if (scan.byContent) this.cleared.add(blob);
        this.remember(key, found);
      }
      if (found !== '') return { path, ok: false, reason: 'secret', detail: found };
    }
    const clean = this.cfg.securityCheck ? ' s' : '';

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
    // The text's count depends on its bytes and this run's settings, except where the path
    // picks a transform (comments by language, --compress): a copy of a text seen before
    // (LICENSEs, vendored files) reuses its scans.
    const reusable = !this.cfg.removeComments && !wantsCompress && content.length >= SEEN_MIN;
    const seen = reusable ? this.seen.get(blob) : undefined;
    if (!cached) {
      counter = await this.tokens();
      scanned = seen?.text ?? counter.scan(content);
    }
    const tokens = cached ? hit[0]! : scanned!.total;
    const block = renderer.file(path, content, tokens, plain && content === raw);
    let counted: number[];
    if (cached) {
      counted = hit.slice(1);
      if (this.bytesAsIs && !wantsCompress && IDENTITY.test(this.cfg.cache.get(key)!))
        this.counts = ` ${tokens} ${counted[0]} ${content.length}${clean}`;
    } else {
      const scan = block.body === content ? scanned! : (seen?.body ?? counter!.scan(block.body));
      if (reusable && !seen) this.see(blob, scanned!, scan === scanned ? undefined : scan);
      counted = [blockTokens(counter!, block, scan, block.tail)];
      if (block.lastTail !== undefined) counted.push(blockTokens(counter!, block, scan, block.lastTail));
      // `=` marks a body that is the file's trimmed bytes as they are (see fastHit)
      const same = !decodedFrom && content === raw && block.body === content && block.lastTail === undefined;
      this.remember(key, [tokens, ...counted].join(' ') + (same ? ` =${content.length}` : ''));
      if (same && this.bytesAsIs && !wantsCompress)
        this.counts = ` ${tokens} ${counted[0]} ${content.length}${clean}`;
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
