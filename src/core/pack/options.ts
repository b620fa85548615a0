import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { type PackConfig, packSchema } from '../config/schema.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { compileGlobs, splitList } from './select/patterns.js';
import { assertEncoding, type EncodingName } from './tokens/encodings.js';
import type { PackOptions } from './types.js';

/** Options after merging config + call options, validating, and resolving paths. */
export interface ResolvedPack extends Omit<PackConfig, 'encoding'> {
  encoding: EncodingName;
  /** Absolute directories to pack. */
  dirs: string[];
  /** Paths in the output are relative to this directory. */
  base: string;
  /** Name shown in the header. */
  name: string;
  /** Absolute output file. */
  outputPath: string;
  includeMatcher?: Ignore;
  ignoreMatcher?: Ignore;
  /** Contents of --instructions FILE. */
  instructionsText?: string;
  write: boolean;
}

const isInside = (dir: string, p: string) => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** Merge `ctx.config.pack` with `opts` (opts win), validate, resolve. Throws UsageError. */
export function resolveOptions(ctx: Context, opts: PackOptions): ResolvedPack {
  const { dirs: dirArgs, write, progress: _p, threads: _t, ...over } = opts;
  const defined = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined));
  const parsed = packSchema.safeParse({ ...ctx.config.pack, ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`invalid pack option ${issue.path.join('.')}: ${issue.message}`, {
      code: 'E_PACK_OPTION',
    });
  }
  const cfg = parsed.data;
  assertEncoding(cfg.encoding);
  const dirs = (dirArgs?.length ? dirArgs : ['.']).map((d) => resolve(ctx.cwd, d));
  for (const d of dirs) {
    let isDir = false;
    try {
      isDir = statSync(d).isDirectory();
    } catch {}
    if (!isDir) {
      throw new UsageError(`no such directory: ${d}`, {
        code: 'E_NO_DIR',
        hint: 'pass directories to pack (default: the current one); use --include to pick files',
      });
    }
  }
  const base = dirs.every((d) => isInside(ctx.cwd, d)) ? ctx.cwd : commonAncestor(dirs);
  const include = splitList(cfg.include);
  const ignore = splitList(cfg.ignore);
  let instructionsText: string | undefined;
  if (cfg.instructions) {
    const file = resolve(ctx.projectRoot ?? ctx.cwd, cfg.instructions);
    try {
      instructionsText = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new UsageError(
        `cannot read instructions file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
        {
          code: 'E_INSTRUCTIONS',
          hint: '--instructions takes a readable text file',
        },
      );
    }
  }
  return {
    ...cfg,
    encoding: cfg.encoding,
    include,
    ignore,
    dirs,
    base,
    name: basename(dirs.length === 1 ? dirs[0]! : base) || base,
    outputPath: resolve(ctx.cwd, cfg.output),
    includeMatcher: compileGlobs(include, '--include'),
    ignoreMatcher: compileGlobs(ignore, '--ignore'),
    instructionsText,
    write: write !== false,
  };
}

function commonAncestor(dirs: string[]): string {
  let anc = dirs[0]!;
  while (!dirs.every((d) => isInside(anc, d))) anc = dirname(anc);
  return anc;
}

/** output.txt → output.3.txt (the name of part `n` of a split pack). */
export function partPath(output: string, n: number): string {
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}.${n}${ext}`;
}

/**
 * Paths (relative to `dir`) of our own output files, never packed: the output and its
 * split parts.
 */
export function isOwnOutput(output: string, dir: string): (rel: string) => boolean {
  if (!isInside(dir, output)) return () => false;
  const rel = relative(dir, output).split(sep).join('/');
  const ext = extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  return (p) =>
    p === rel ||
    (p.startsWith(`${stem}.`) &&
      p.endsWith(ext) &&
      /^\d+$/.test(p.slice(stem.length + 1, p.length - ext.length)));
}

/** Where `dir`'s files appear in the output: the prefix from `base`. */
export function prefixFor(base: string, dir: string): string {
  const r = relative(base, dir).split(sep).join('/');
  return r === '' ? '' : `${r}/`;
}
