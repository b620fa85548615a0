import { flat } from '../tokens/counter.js';
import type { FileBlock, FooterInfo, HeaderInfo, StyleRenderer } from './types.js';

const str = (s: string) => JSON.stringify(s);

/**
 * JSON: one object; `files` is an array of {path, tokens, content}. Written as text (not
 * JSON.stringify of the whole) so files stream and their token counts add up exactly.
 */
export const jsonStyle: StyleRenderer = {
  header(h: HeaderInfo) {
    return (
      `{\n  "generator": "specloop",\n  "name": ${str(h.name)},\n  "encoding": ${str(h.encoding)},\n` +
      (h.summary.length ? `  "summary": ${str(h.summary.join('\n'))},\n` : '') +
      (h.userHeader ? `  "header": ${str(h.userHeader)},\n` : '') +
      (h.tree !== undefined ? `  "directoryStructure": ${str(h.tree)},\n` : '') +
      '  "files": [\n'
    );
  },
  partHeader(h, part) {
    return `{\n  "generator": "specloop",\n  "name": ${str(h.name)},\n  "part": ${part},\n  "files": [\n`;
  },
  file(path, content, tokens): FileBlock {
    return {
      open: `    {"path": ${str(path)}, "tokens": ${tokens}, "content": "`,
      body: flat(str(content).slice(1, -1)),
      tail: '"},\n',
      lastTail: '"}\n',
    };
  },
  footer(f: FooterInfo) {
    let s = '  ]';
    if (f.packed !== undefined) s += `,\n  "fileCount": ${f.packed}`;
    if (f.skipped?.length) s += `,\n  "leftOut": ${JSON.stringify(f.skipped)}`;
    if (f.gitDiff) s += `,\n  "gitDiff": ${str(f.gitDiff)}`;
    if (f.gitLog) s += `,\n  "gitLog": ${str(f.gitLog)}`;
    if (f.instructions) s += `,\n  "instructions": ${str(f.instructions)}`;
    return `${s}\n}\n`;
  },
};
