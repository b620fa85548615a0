import type { PackStyle } from '../types.js';
import { jsonStyle } from './json.js';
import { markdownStyle } from './markdown.js';
import { plainStyle } from './plain.js';
import type { StyleRenderer } from './types.js';
import { xmlStyle } from './xml.js';

export type { FileBlock, FooterInfo, HeaderInfo, StyleRenderer } from './types.js';

const STYLES: Record<PackStyle, StyleRenderer> = {
  xml: xmlStyle,
  markdown: markdownStyle,
  plain: plainStyle,
  json: jsonStyle,
};

export function styleRenderer(style: PackStyle): StyleRenderer {
  return STYLES[style];
}
