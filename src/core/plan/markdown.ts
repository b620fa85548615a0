import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

export interface ParsedMarkdown {
  tree: Root;
  /**
   * Add to a node's `position.*.offset` to get an index into the ORIGINAL text.
   * micromark drops a leading byte-order mark, which shifts every offset by one.
   */
  shift: number;
}

/** Parse GFM markdown keeping exact source offsets (we edit files at these offsets, never re-stringify). */
export function parseMarkdown(text: string): ParsedMarkdown {
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const tree = fromMarkdown(shift ? text.slice(1) : text, {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()],
  });
  return { tree, shift };
}

/** Source span of a node in the original text. */
export function spanOf(
  node: { position?: { start: { offset?: number }; end: { offset?: number } } },
  shift: number,
): [number, number] {
  const start = (node.position?.start.offset ?? 0) + shift;
  const end = (node.position?.end.offset ?? 0) + shift;
  return [start, end];
}

/** 1-based line of an offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
