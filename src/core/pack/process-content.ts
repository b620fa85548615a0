import { removeComments } from './remove-comments.js';

export interface ContentOptions {
  removeComments: boolean;
  lineNumbers: boolean;
}

/**
 * The text of a file as packed: comments removed on request, blank space around the file
 * trimmed (as repomix does, so per-file counts compare), then line numbers on request.
 */
export function processContent(text: string, path: string, opts: ContentOptions): string {
  let c = opts.removeComments ? removeComments(text, path) : text;
  c = c.trim();
  if (opts.lineNumbers && c !== '') {
    const lines = c.split('\n');
    const width = String(lines.length).length;
    c = lines.map((line, i) => `${String(i + 1).padStart(width)}: ${line}`).join('\n');
  }
  return c;
}
