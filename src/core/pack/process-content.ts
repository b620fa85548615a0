import { removeComments } from './remove-comments.js';
import { flat } from './tokens/counter.js';
import { truncateBase64 } from './truncate-base64.js';

export interface ContentOptions {
  removeComments: boolean;
  lineNumbers: boolean;
  removeEmptyLines: boolean;
  truncateBase64: boolean;
}

/**
 * The text of a file as packed: comments removed, base64 runs truncated and blank lines
 * dropped on request, blank space around the file trimmed (as repomix does, so per-file
 * counts compare), then line numbers on request.
 * `text` should arrive trimmed and flat (see decodeTrimmed) so the common case copies nothing.
 */
export function processContent(text: string, path: string, opts: ContentOptions): string {
  let c = opts.removeComments ? removeComments(text, path) : text;
  if (opts.truncateBase64) c = truncateBase64(c);
  if (opts.removeEmptyLines) c = c.replace(/^[ \t\r\f\v]*\n/gm, '');
  const t = c.trim();
  if (t.length !== c.length) c = flat(t); // trim() returns a view; the tokenizer wants flat strings
  if (opts.lineNumbers && c !== '') {
    const lines = c.split('\n');
    const width = String(lines.length).length;
    c = lines.map((line, i) => `${String(i + 1).padStart(width)}: ${line}`).join('\n');
  }
  return c;
}
