/**
 * Token counts of whole lines seen before (a third of the characters of a source tree are
 * in lines it already had: closing braces, imports, licence headers, twin .d.ts files).
 *
 * Invariant (why a line can be counted on its own): let text[p-1] be '\n' and let the
 * first character at or after p that is not a space, tab, \v or \f be ASCII and not \r or
 * \n, and text[p] not be '/'. Then every pre-tokenizer piece ends at p or before it, in
 * o200k and cl100k alike: a piece that holds a newline is either a whitespace run's
 * (`\s*[\r\n]+`, which ends after the run's last newline: the next line starts with no
 * newline before its first non-space) or punctuation with a newline tail (`[\r\n/]*`,
 * stopped by anything but \r \n /); letters, digits and contractions never hold one. The
 * split of [start, p) then depends only on its own characters, so equal lines between two
 * such boundaries have equal counts. The counter also checks it: a line is stored only
 * when its pieces ended exactly at its end.
 */

/** Lines shorter than this are cheaper to count piece by piece; longer ones rarely recur. */
export const LINE_MIN = 6;
export const LINE_MAX = 240;
/** Slot count bounds (4 ints a slot: hash, arena offset, length, tokens). */
const SLOTS_START = 1 << 14;
const SLOTS_MAX = 1 << 19;
/** Chars of stored lines (UTF-16 code units), at most. */
const ARENA_START = 1 << 18;
const ARENA_MAX = 1 << 23;

export class LineMemo {
  private slots = new Int32Array(4 * SLOTS_START);
  private mask = SLOTS_START - 1;
  private count = 0;
  private arena = new Uint16Array(ARENA_START);
  private used = 0;
  /** Hash of the line found by the last `lineEnd`. */
  hash = 0;

  /**
   * End of the line starting at `i`: just after the first newline that is followed by a
   * boundary (see the invariant), or `n`. Also hashes the line into `this.hash`, from its
   * length and a sample of its chars (the memo compares every char on a hit anyway).
   */
  lineEnd(text: string, i: number, n: number): number {
    let j = i;
    let end = n;
    for (;;) {
      const nl = text.indexOf('\n', j);
      if (nl < 0 || nl + 1 >= n) break;
      if (boundaryAt(text, nl + 1, n)) {
        end = nl + 1;
        break;
      }
      j = nl + 1;
    }
    const len = end - i;
    let h = Math.imul(len, 0x9e3779b1);
    if (len <= LINE_MAX) {
      const step = (len >> 4) + 1;
      for (let k = i; k < end; k += step) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
      h = Math.imul(h ^ text.charCodeAt(end - 2), 0x01000193);
      h ^= h >>> 15;
    }
    this.hash = h;
    return end;
  }

  /** Tokens of text[i, i + len) (hash `this.hash`) when that line was stored, else -1. */
  get(text: string, i: number, len: number): number {
    const h = this.hash;
    const s = this.slots;
    const a = this.arena;
    let slot = h & this.mask;
    for (;;) {
      const k = 4 * slot;
      const l = s[k + 2]!;
      if (l === 0) return -1;
      if (s[k] === h && l === len) {
        const off = s[k + 1]!;
        let j = 0;
        while (j < len && a[off + j] === text.charCodeAt(i + j)) j++;
        if (j === len) return s[k + 3]!;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Store the line text[i, i + len) (hash `this.hash`, just missed by `get`) with its tokens. */
  put(text: string, i: number, len: number, tokens: number): void {
    if (this.used + len > this.arena.length && !this.growArena(len)) return;
    if (2 * (this.count + 1) > this.slots.length / 4 && !this.growSlots()) return;
    const off = this.used;
    const a = this.arena;
    for (let j = 0; j < len; j++) a[off + j] = text.charCodeAt(i + j);
    this.used += len;
    this.insert(this.hash, off, len, tokens);
    this.count++;
  }

  private insert(h: number, off: number, len: number, tokens: number): void {
    const s = this.slots;
    let slot = h & this.mask;
    while (s[4 * slot + 2] !== 0) slot = (slot + 1) & this.mask;
    const k = 4 * slot;
    s[k] = h;
    s[k + 1] = off;
    s[k + 2] = len;
    s[k + 3] = tokens;
  }

  private growArena(len: number): boolean {
    if (this.used + len > ARENA_MAX) return false; // full: stop storing (counts stay exact)
    let size = this.arena.length;
    while (size < this.used + len) size *= 2;
    const next = new Uint16Array(Math.min(size, ARENA_MAX));
    next.set(this.arena.subarray(0, this.used));
    this.arena = next;
    return true;
  }

  private growSlots(): boolean {
    const old = this.slots;
    const size = old.length / 4;
    if (size >= SLOTS_MAX) return false;
    this.slots = new Int32Array(8 * size);
    this.mask = 2 * size - 1;
    for (let k = 0; k < old.length; k += 4)
      if (old[k + 2] !== 0) this.insert(old[k]!, old[k + 1]!, old[k + 2]!, old[k + 3]!);
    return true;
  }
}

/** Whether a piece boundary is certain at p, given text[p-1] === '\n' (see the invariant). */
function boundaryAt(text: string, p: number, n: number): boolean {
  let c = text.charCodeAt(p);
  if (c === 47) return false; // '/': punctuation's newline tail `[\r\n/]*` may take it
  let q = p;
  while (c === 32 || c === 9 || c === 11 || c === 12) {
    if (++q >= n) return false;
    c = text.charCodeAt(q);
  }
  return c < 128 && c !== 10 && c !== 13;
}
