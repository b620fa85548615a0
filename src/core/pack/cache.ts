import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';

/** Rewrite (compact) the log once it is this big. */
const COMPACT_BYTES = 48 * 1024 * 1024;
/** Entries kept by a compaction (the most recent). */
const KEEP = 300_000;

function check(key: string, value: string): string {
  return checkRange(`${key}\t${value}`, 0, key.length + 1 + value.length);
}

/** The checksum of s[from, to) (a log line's `key \t value`, read in place). */
function checkRange(s: string, from: number, to: number): string {
  return hashRange(s, from, to).toString(16).padStart(8, '0');
}

function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/** Does the 8-digit hex checksum at s[at, at + 8) say `h`? Read in place: no string per line. */
function checksumIs(s: string, at: number, h: number): boolean {
  let v = 0;
  for (let i = at; i < at + 8; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return false;
    v = v * 16 + d;
  }
  return v === h;
}

const line = (k: string, v: string) => `${k}\t${v}\t${check(k, v)}\n`;

/**
 * The persistent token-count cache: an append-only log of `key \t value \t checksum`
 * lines under the user cache dir. Keys hash the content (its git blob id) with
 * everything else that shapes the number (encoding, style, options, path), so a hit is
 * always right and an unchanged file is never tokenized twice. Crash safety: a torn
 * last line fails its checksum and is ignored; compaction rewrites via atomicWrite.
 */
export class TokenCache {
  readonly entries: Map<string, string>;
  private readonly fresh: [string, string][] = [];
  /** Entries staged while the files are processed, and their log lines (see stage). */
  private readonly staged: [string, string][] = [];
  private readonly stagedLines: string[] = [];

  private constructor(
    private readonly file: string | undefined,
    entries: Map<string, string>,
    private readonly size: number,
    private readonly torn: boolean,
  ) {
    this.entries = entries;
  }

  /** Load the cache in `dir` (a no-op cache when `dir` is undefined: --no-cache). */
  static async load(dir: string | undefined): Promise<TokenCache> {
    if (!dir) return new TokenCache(undefined, new Map(), 0, false);
    const file = join(dir, 'pack', 'tokens-v1.log');
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {}
    const entries = new Map<string, string>();
    // Lines are read in place (no split into line strings): a warm pack loads every entry.
    // The text after the last newline is a torn line, or ''.
    for (let at = 0, nl = text.indexOf('\n'); nl >= 0; at = nl + 1, nl = text.indexOf('\n', at)) {
      const a = text.indexOf('\t', at);
      const b = text.lastIndexOf('\t', nl);
      if (a <= at || a >= nl || b <= a || b + 9 !== nl) continue;
      if (checksumIs(text, b + 1, hashRange(text, at, b)))
        entries.set(text.slice(at, a), text.slice(a + 1, b));
    }
    return new TokenCache(file, entries, text.length, text !== '' && !text.endsWith('\n'));
  }

  add(entries: Iterable<[string, string]>): void {
    for (const [k, v] of entries) {
      if (this.entries.get(k) === v) continue;
      this.entries.set(k, v);
      this.fresh.push([k, v]);
    }
  }

  /**
   * Entries to save that this run does not look up again (the files' own: they are found
   * by content and path, and each is made once): their log lines are formatted now, while
   * the files are still being processed, rather than all at the end. Not in `entries`.
   */
  stage(entries: Iterable<[string, string]>): void {
    if (!this.file) return;
    for (const [k, v] of entries) {
      if (this.entries.get(k) === v) continue;
      this.staged.push([k, v]);
      this.stagedLines.push(line(k, v));
    }
  }

  /** Persist what was added (best effort: a cache that cannot be written is just cold). */
  async save(): Promise<void> {
    if (!this.file || (this.fresh.length === 0 && this.staged.length === 0)) return;
    try {
      await mkdir(join(this.file, '..'), { recursive: true });
      if (this.size > COMPACT_BYTES) {
        for (const [k, v] of this.staged) this.entries.set(k, v);
        const all = [...this.entries].slice(-KEEP);
        await atomicWrite(this.file, all.map(([k, v]) => line(k, v)).join(''));
      } else {
        const text = this.stagedLines.join('') + this.fresh.map(([k, v]) => line(k, v)).join('');
        await appendFile(this.file, this.torn ? `\n${text}` : text);
      }
      this.fresh.length = 0;
      this.staged.length = 0;
      this.stagedLines.length = 0;
    } catch {}
  }
}
