import { quotePath } from './quote-path.js';
import type { FileBlock, FooterInfo, HeaderInfo, StyleRenderer } from './types.js';

const RULE = '='.repeat(64);
const FILE_RULE = '='.repeat(16);
const title = (t: string) => `${RULE}\n${t}\n${RULE}\n`;
const section = (t: string, text: string | undefined) => (text ? `${title(t)}${text}\n\n` : '');

/** Plain text: ruled section titles, each file under a `File: path` banner. */
export const plainStyle: StyleRenderer = {
  header(h: HeaderInfo) {
    return (
      title(`Packed repository: ${quotePath(h.name)}`) +
      (h.summary.length ? `${h.summary.join('\n')}\n\n` : '\n') +
      (h.userHeader ? section('Header', h.userHeader) : '') +
      (h.tree !== undefined ? `${title('Directory structure')}${h.tree}\n\n` : '') +
      `${title('Files')}\n`
    );
  },
  partHeader(h, part) {
    return `${title(`Packed repository: ${quotePath(h.name)} (part ${part})`)}\n${title('Files')}\n`;
  },
  file(path, content): FileBlock {
    return { open: `${FILE_RULE}\nFile: ${quotePath(path)}\n${FILE_RULE}\n`, body: content, tail: '\n\n' };
  },
  footer(f: FooterInfo) {
    const left = f.skipped?.length
      ? f.skipped
          .map((x) => `${quotePath(x.path)} (${x.files ? `${x.files} files, ` : ''}${x.reason})`)
          .join('\n')
      : undefined;
    return (
      (f.packed === undefined ? '' : `${title(`Packed ${f.packed} file${f.packed === 1 ? '' : 's'}`)}\n`) +
      section('Left out', left) +
      section('Git diff', f.gitDiff) +
      section('Git log', f.gitLog) +
      section('Instructions', f.instructions)
    );
  },
};
