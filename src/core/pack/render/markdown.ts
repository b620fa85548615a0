import { fenceFor } from '../../../util/markdown-fence.js';
import { quotePath } from './quote-path.js';
import type { FileBlock, FooterInfo, HeaderInfo, StyleRenderer } from './types.js';

const LANG: Record<string, string> = {
  ts: 'typescript',
  tsx: 'tsx',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'jsx',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  md: 'markdown',
  py: 'python',
  rb: 'ruby',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  swift: 'swift',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  php: 'php',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  html: 'html',
  css: 'css',
  scss: 'scss',
  sql: 'sql',
  xml: 'xml',
  vue: 'vue',
  svelte: 'svelte',
  lua: 'lua',
  r: 'r',
  scala: 'scala',
  dart: 'dart',
};

function block(title: string, lang: string, text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const fence = fenceFor(text);
  return `## ${title}\n\n${fence}${lang}\n${text}\n${fence}\n\n`;
}

/** Markdown: headings per section, each file in a fenced block tagged with its language. */
export const markdownStyle: StyleRenderer = {
  header(h: HeaderInfo) {
    return (
      `# Packed repository: ${quotePath(h.name)}\n\n` +
      (h.summary.length ? `${h.summary.join('\n')}\n\n` : '') +
      (h.userHeader ? `## Header\n\n${h.userHeader}\n\n` : '') +
      (h.tree !== undefined
        ? `## Directory structure\n\n${fenceFor(h.tree)}text\n${h.tree}\n${fenceFor(h.tree)}\n\n`
        : '') +
      '## Files\n\n'
    );
  },
  partHeader(h, part) {
    return `# Packed repository: ${quotePath(h.name)} (part ${part})\n\n## Files\n\n`;
  },
  file(path, content): FileBlock {
    const base = path.slice(path.lastIndexOf('/') + 1);
    const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1).toLowerCase() : '';
    const fence = fenceFor(content);
    return {
      open: `### File: ${quotePath(path)}\n\n${fence}${LANG[ext] ?? ''}\n`,
      body: content,
      tail: `\n${fence}\n\n`,
    };
  },
  footer(f: FooterInfo) {
    const left = f.skipped?.length
      ? `## Left out\n\n${f.skipped.map((x) => `- ${quotePath(x.path)} (${x.files ? `${x.files} files, ` : ''}${x.reason})\n`).join('')}\n`
      : '';
    return (
      (f.packed === undefined ? '' : `## Packed ${f.packed} file${f.packed === 1 ? '' : 's'}\n\n`) +
      left +
      block('Git diff', 'diff', f.gitDiff) +
      block('Git log', 'text', f.gitLog) +
      (f.instructions ? `## Instructions\n\n${f.instructions}\n` : '')
    );
  },
};
