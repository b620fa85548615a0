import type { Sink } from '../core/context.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/** Characters that take two cells in a terminal (CJK, full-width forms, most emoji). */
function cellWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp >= 0x300 && cp <= 0x36f) return 0; // combining marks
  if (cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0; // joiner, variation selectors
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0x1f300 && cp <= 0x1faff)
  )
    return 2;
  return 1;
}

/** How many terminal cells `text` takes (escape sequences take none). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(ANSI, '')) w += cellWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * Cut `text` to at most `columns` cells, ending in "…" when something was cut. Escape
 * sequences are dropped from a cut line: a half-kept colour would bleed into the next line.
 */
export function fitToWidth(text: string, columns: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  if (displayWidth(flat) <= columns) return flat;
  let out = '';
  let w = 0;
  for (const ch of flat.replace(ANSI, '')) {
    const cw = cellWidth(ch.codePointAt(0)!);
    if (w + cw > columns - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/**
 * Word-wrap streamed text to `columns`: feed it deltas, it returns what to print. A word
 * never splits at the edge unless it alone is wider than the line. `column` is where the
 * cursor starts (after a `Q3 ` label, say); continuation lines start at `indent`.
 */
export function createWordWrap(opts: { columns: number; column?: number; indent?: number }) {
  const pad = ' '.repeat(opts.indent ?? 0);
  let col = opts.column ?? 0;
  let word = '';
  let spaces = '';
  const place = (): string => {
    if (!word) return '';
    const w = displayWidth(word);
    let out: string;
    if (col > pad.length && col + displayWidth(spaces) + w > opts.columns) {
      out = `\n${pad}${word}`;
      col = pad.length + w;
    } else {
      out = spaces + word;
      col += displayWidth(spaces) + w;
    }
    word = '';
    spaces = '';
    return out;
  };
  return {
    push(delta: string): string {
      let out = '';
      for (const ch of delta) {
        if (ch === '\n') {
          out += `${place()}\n${pad}`;
          col = pad.length;
          spaces = '';
        } else if (ch === ' ' || ch === '\t') {
          out += place();
          spaces += ' ';
        } else word += ch;
      }
      return out;
    },
    /** The last word, held back until we knew whether it fits. */
    end(): string {
      return place();
    },
  };
}

/** Whether a live (redrawn-in-place) line is right for this sink: a terminal that is not `TERM=dumb`. */
export function canAnimate(sink: Sink): boolean {
  return sink.isTTY && sink.animate !== false;
}

/** Terminal width of the sink, 80 when it does not say. */
export function columnsOf(sink: Sink): number {
  const c = sink.columns;
  return c && c > 10 ? c : 80;
}

/** Whether to colour output for this sink and environment (`--no-color` sets NO_COLOR). */
export function useColor(sink: Sink, env: Record<string, string | undefined>): boolean {
  return sink.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}
