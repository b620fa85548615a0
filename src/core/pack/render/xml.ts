import type { FileBlock, FooterInfo, HeaderInfo, StyleRenderer } from './types.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escape an attribute value (quotes too). */
export function xmlEscape(s: string): string {
  return xmlChars(s).replace(/[&<>"]/g, (c) => ENTITY[c]!);
}

/** Escape element text: only what text must not hold (a model reads `"` better than `&quot;`). */
function xmlText(s: string): string {
  return xmlChars(s).replace(/[&<>]/g, (c) => ENTITY[c]!);
}

// XML 1.0 forbids most C0 controls even in CDATA; show them as Unicode control pictures (␌).
const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const ILLEGAL_ALL = new RegExp(ILLEGAL.source, 'g');
const picture = (c: string) =>
  c.charCodeAt(0) < 32 ? String.fromCharCode(0x2400 + c.charCodeAt(0)) : '\uFFFD';
function xmlChars(s: string): string {
  return ILLEGAL.test(s) ? s.replace(ILLEGAL_ALL, picture) : s;
}

const NEEDS_CDATA_WORK = new RegExp(`${ILLEGAL.source}|\\]\\]>`);

/**
 * Whether cdata changes `s`: a C0 control but tab, LF and CR, U+FFFE, U+FFFF or `]]>` (the
 * pack's byte pass, secret-prefilter.ts contentFlags, knows it for most files already).
 */
export function needsCdataWork(s: string): boolean {
  return NEEDS_CDATA_WORK.test(s);
}

/** File text inside CDATA: `]]>` is split across two sections, illegal characters shown. */
export function cdata(s: string): string {
  // one scan for the usual case (nothing to change), which returns the very same string
  return needsCdataWork(s) ? xmlChars(s).replaceAll(']]>', ']]]]><![CDATA[>') : s;
}

/** An attribute value that parses back to exactly `s` (tab, newline, CR as references). */
function xmlAttr(s: string): string {
  return xmlEscape(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function section(tag: string, text: string | undefined): string {
  return text === undefined || text === '' ? '' : `<${tag}><![CDATA[\n${cdata(text)}\n]]></${tag}>\n`;
}

/**
 * XML: well-formed (it parses), files in CDATA so code reads as written.
 * `<pack>` › `<summary>`, `<directory_structure>`, `<files>` › `<file path>`, then the extras.
 */
export const xmlStyle: StyleRenderer = {
  header(h: HeaderInfo) {
    return (
      `<pack generator="specloop" name="${xmlEscape(h.name)}" encoding="${h.encoding}">\n` +
      (h.summary.length ? `<summary>\n${xmlText(h.summary.join('\n'))}\n</summary>\n` : '') +
      (h.userHeader ? `<header>\n${xmlText(h.userHeader)}\n</header>\n` : '') +
      (h.tree !== undefined ? `<directory_structure>\n${xmlText(h.tree)}\n</directory_structure>\n` : '') +
      '<files>\n'
    );
  },
  partHeader(h, part) {
    return `<pack generator="specloop" name="${xmlEscape(h.name)}" part="${part}" encoding="${h.encoding}">\n<files>\n`;
  },
  file(path, content, _tokens, plain): FileBlock {
    return {
      open: `<file path="${xmlAttr(path)}"><![CDATA[\n`,
      body: plain ? content : cdata(content),
      tail: '\n]]></file>\n',
    };
  },
  footer(f: FooterInfo) {
    const left = f.skipped?.length
      ? `<left_out>\n${f.skipped.map((x) => (x.files ? `<dir path="${xmlAttr(x.path)}" files="${x.files}" reason="${x.reason}"/>\n` : `<file path="${xmlAttr(x.path)}" reason="${x.reason}"/>\n`)).join('')}</left_out>\n`
      : '';
    return (
      '</files>\n' +
      (f.packed === undefined ? '' : `<packed_files count="${f.packed}"/>\n`) +
      left +
      section('git_diff', f.gitDiff) +
      section('git_log', f.gitLog) +
      section('instructions', f.instructions) +
      '</pack>\n'
    );
  },
};
