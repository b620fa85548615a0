import type { Progress } from '../../util/progress.js';
import type { PackConfig } from '../config/schema.js';

export type PackStyle = PackConfig['style'];

/**
 * Options of {@link pack}: any PackConfig field (unset ones come from `ctx.config.pack`),
 * plus what only a caller can say.
 */
export interface PackOptions extends Partial<PackConfig> {
  /**
   * Directories or files to pack (default: ctx.cwd). Relative ones resolve against
   * ctx.cwd. Files still pass the ignore, binary and secret rules.
   */
  dirs?: string[];
  /** More paths (from --stdin), relative to ctx.cwd; missing ones are listed as missing. */
  fileList?: string[];
  /** A remote repository to pack instead (git URL or owner/repo[@ref]); see remote.ts. */
  remote?: string;
  /** `false`: render and return the text, write nothing (run's debug loop, task). */
  write?: boolean;
  /** Shown while packing (the CLI passes a spinner on stderr). */
  progress?: Progress;
  /** Force in-thread processing (tests; also used automatically for tiny packs). */
  threads?: number;
  /**
   * Paths (relative to the packed dir) that matter most to the caller (`change`'s focus):
   * always packed whole (never compressed), and the last to go under a token budget.
   */
  keep?: string[];
}

/** One file that made it into the pack. */
export interface PackedFile {
  path: string;
  /** Exact tokens of the file's text as packed (after --remove-comments / --line-numbers). */
  tokens: number;
  chars: number;
}

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'not-utf8'
  | 'secret'
  | 'symlink'
  | 'not-a-file'
  | 'missing'
  | 'ignored'
  | 'token-budget'
  | 'split-limit';

/** A selected file left out of the pack, and why (nothing is dropped silently). */
export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** Human detail: the secretlint rule that fired, the size, … */
  detail?: string;
}

export interface PackTotals {
  files: number;
  /** Characters of the whole output (all parts). */
  chars: number;
  /** Exact tokens of the whole output (all parts), as the reference tokenizer counts them. */
  tokens: number;
  /** Tokens of the packed files' texts alone. */
  fileTokens: number;
  skipped: number;
  encoding: string;
}

/** One written (or rendered) output part. */
export interface PackPart {
  /** Absolute path written, or undefined with `write: false`. */
  path?: string;
  /** The rendered text (only with `write: false`). */
  text?: string;
  tokens: number;
  chars: number;
  files: number;
}

export interface PackResult {
  /** Packed files in output order (sorted paths). */
  files: PackedFile[];
  skipped: SkippedFile[];
  totals: PackTotals;
  /**
   * With `write: false`: the rendered pack (parts concatenated if split). Otherwise the
   * absolute path written (the first part's when split; all of them are in `parts`).
   */
  output: string;
  /** Each output part: path (or text), exact tokens, chars, file count. */
  parts: PackPart[];
  /** How many files were met and read from the token cache (for the summary / bench). */
  /** Token-cache hits and misses, and whether files went through worker threads. */
  cache: { hits: number; misses: number; mode: 'threads' | 'in-thread' };
  /** Things worth saying once on stderr (decoded encodings, repomix config found, …). */
  notices: string[];
}
