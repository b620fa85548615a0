/**
 * A hand-written twin of o200k_base's pre-tokenizer regex for ASCII text.
 *
 * The regex (gpt-tokenizer's O200K_TOKEN_SPLIT_REGEX) is, alternative by alternative:
 *   A1 [^\r\n\p{L}\p{N}]?[\p{Lu}…]*[\p{Ll}…]+(contraction)?
 *   A2 [^\r\n\p{L}\p{N}]?[\p{Lu}…]+[\p{Ll}…]*(contraction)?
 *   A3 \p{N}{1,3}
 *   A4  ?[^\s\p{L}\p{N}]+[\r\n/]*
 *   A5 \s*[\r\n]+
 *   A6 \s+(?!\S)
 *   A7 \s+
 * For ASCII the Unicode classes collapse to a-z, A-Z, 0-9 and the six ASCII spaces, so a
 * char-code loop decides a piece 5-10× faster than the regex engine. Invariant: the
 * scanner only answers when every character it looked at (including the one that ended
 * the piece) is ASCII; otherwise it returns -1 and the caller asks the real regex, so
 * the split is identical to the reference by construction (and fuzz-tested).
 */

const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const NEWLINE = 4; // \r \n
const SPACE = 5; // \t \v \f and ' ' (\s but not a newline)
const OTHER = 6; // everything else in ASCII: punctuation, symbols, control chars

const CLASS = new Uint8Array(128).fill(OTHER);
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
CLASS[10] = NEWLINE;
CLASS[13] = NEWLINE;
for (const c of [9, 11, 12, 32]) CLASS[c] = SPACE;

/** End of an optional `'s|'t|'re|'ve|'m|'ll|'d` (any case) starting at `i`. */
function contraction(text: string, i: number, n: number): number {
  if (i + 1 >= n || text.charCodeAt(i) !== 39) return i;
  const a = text.charCodeAt(i + 1) | 32; // ASCII lower-case fold; non-letters never match below
  if (a === 115 || a === 100 || a === 109 || a === 116) return i + 2; // s d m t
  if (i + 2 >= n) return i;
  const b = text.charCodeAt(i + 2) | 32;
  if ((a === 108 && b === 108) || (a === 118 && b === 101) || (a === 114 && b === 101)) return i + 3; // ll ve re
  return i;
}

/**
 * End index of the pre-tokenizer piece that starts at `i` (i < text.length), or -1 when
 * a non-ASCII character could change the answer (then use the regex).
 */
export function o200kPieceEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c >= 128) return -1;
  const k = CLASS[c]!;
  if (k !== DIGIT && k !== NEWLINE) {
    // A1 / A2: an optional non-letter prefix, then letters.
    const j = k === UPPER || k === LOWER ? i : i + 1;
    let u = j;
    while (u < n) {
      const d = text.charCodeAt(u);
      if (d >= 128) return -1;
      if (CLASS[d] !== UPPER) break;
      u++;
    }
    if (u < n && CLASS[text.charCodeAt(u)] === LOWER) {
      let l = u + 1;
      while (l < n) {
        const d = text.charCodeAt(l);
        if (d >= 128) return -1;
        if (CLASS[d] !== LOWER) break;
        l++;
      }
      return contraction(text, l, n);
    }
    if (u > j) return contraction(text, u, n); // A2: upper-case run, no lower-case after it
    // neither matched: fall through to A4-A7
  } else if (k === DIGIT) {
    // A3: one to three digits; a non-ASCII char could be a \p{N} digit.
    let j = i + 1;
    const stop = Math.min(n, i + 3);
    while (j < stop) {
      const d = text.charCodeAt(j);
      if (d >= 128) return -1;
      if (CLASS[d] !== DIGIT) break;
      j++;
    }
    return j;
  }
  if (k === OTHER || c === 32) {
    // A4: optional space, a run of punctuation, then any \r \n /.
    let j = i;
    let ok = true;
    if (c === 32) {
      j = i + 1;
      if (j >= n) ok = false;
      else {
        const d = text.charCodeAt(j);
        if (d >= 128) return -1;
        if (CLASS[d] !== OTHER) ok = false;
      }
    }
    if (ok) {
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d >= 128) return -1;
        if (CLASS[d] !== OTHER) break;
        j++;
      }
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d !== 10 && d !== 13 && d !== 47) break;
        j++;
      }
      return j;
    }
  }
  // A5-A7: a whitespace run (non-ASCII spaces such as U+00A0 exist, hence the bail-out).
  let w = i;
  let lastNewline = -1;
  while (w < n) {
    const d = text.charCodeAt(w);
    if (d >= 128) return -1;
    const cls = CLASS[d];
    if (cls === NEWLINE) lastNewline = w;
    else if (cls !== SPACE) break;
    w++;
  }
  if (lastNewline >= 0) return lastNewline + 1; // A5 ends after the last newline of the run
  if (w === n) return w; // A6 at the end of the text
  if (w - i >= 2) return w - 1; // A6 leaves the last space to prefix the next word
  return w; // A7
}
