/** What every style's header shows (all known before any file is read). */
export interface HeaderInfo {
  /** Name of what was packed (the directory's name). */
  name: string;
  encoding: string;
  /** Prose lines describing the pack (see summaryLines); empty: no summary section. */
  summary: string[];
  /** --header TEXT */
  userHeader?: string;
  /** The directory tree of the selected files, left-out ones marked; undefined: no tree. */
  tree?: string;
}

/** Sections after the files (last part only). */
export interface FooterInfo {
  /** Files packed, and the selected files left out with their reason. */
  packed?: number;
  /** One entry per file, or per condensed directory (`files` = how many) under a budget. */
  skipped?: { path: string; reason: string; files?: number }[];
  gitDiff?: string;
  gitLog?: string;
  instructions?: string;
}

/**
 * One file in the output: `open + body + tail`. Token arithmetic relies on these
 * boundaries (see tokens/blocks.ts): `open` ends with a newline, `tail` ends with a
 * newline and the next block / footer starts with a character no piece can absorb.
 */
export interface FileBlock {
  open: string;
  body: string;
  tail: string;
  /** JSON only: the tail when this is the last file of its part (no comma). */
  lastTail?: string;
}

export interface StyleRenderer {
  header(h: HeaderInfo): string;
  /** Header of part 2, 3, … of a split pack. */
  partHeader(h: HeaderInfo, part: number): string;
  /**
   * `plain`: the caller knows `content` holds nothing XML's CDATA must change
   * (xml.ts needsCdataWork is false), so the XML style need not look.
   */
  file(path: string, content: string, tokens: number, plain?: boolean): FileBlock;
  footer(f: FooterInfo): string;
}
