// C0 controls and DEL: a newline or tab in a file name would break a heading, a tree line
// or a list item, and a terminal escape in one would reach the user's terminal.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A path as one safe line: unchanged when it has no control characters, otherwise quoted
 * and escaped the way JSON (and git's quotePath) does, so `a\nb` reads as `"a\nb"`.
 */
export function quotePath(path: string): string {
  return CONTROL.test(path) ? JSON.stringify(path) : path;
}
