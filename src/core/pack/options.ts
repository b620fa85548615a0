import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import type { PackConfig } from '../config/schema.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type RepomixConfig, readRepomixConfig } from './repomix-config.js';
import { compileGlobs, splitList } from './select/patterns.js';
import { assertEncoding, type EncodingName } from './tokens/encodings.js';
import type { PackOptions } from './types.js';

/** Options after merging config + call options, validating, and resolving paths. */
export interface ResolvedPack extends Omit<PackConfig, 'encoding'> {
  encoding: EncodingName;
  /** Absolute directories to pack (roots of the selection). */
  dirs: string[];
  /**
   * Per root (same index as `dirs`): only these paths (relative to the root) are wanted,
   * from file arguments or --stdin; undefined = the whole directory.
   */
  only: (Set<string> | undefined)[];
  /** Wanted paths (relative to `base`) that do not exist: listed as missing. */
  missing: string[];
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
  /** The packed directory's repomix.config.json, when there is one (and dotIgnore is on). */
  repomix?: { config: RepomixConfig; applied: string[] };
  write: boolean;
  /** See PackOptions.keep. */
  keep: string[];
}

const isInside = (dir: string, p: string) => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * `ctx.config.pack` with the call's options on top (they win), validated. The config was
 * validated when it was loaded, so the schema (zod) is loaded only for call options
 * (`change`, MCP, tasks): `specloop pack` never needs it here.
 */
async function packConfig(ctx: Context, over: Partial<PackConfig>): Promise<PackConfig> {
  const defined = Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0) return ctx.config.pack;
  const { packSchema } = await import('../config/schema.js');
  const parsed = packSchema.safeParse({ ...ctx.config.pack, ...defined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`invalid pack option ${issue.path.join('.')}: ${issue.message}`, {
      code: 'E_PACK_OPTION',
    });
  }
  return parsed.data;
}

/** Merge `ctx.config.pack` with `opts` (opts win), validate, resolve. Throws UsageError. */
export async function resolveOptions(ctx: Context, opts: PackOptions): Promise<ResolvedPack> {
  const { dirs: dirArgs, fileList, remote: _r, write, progress: _p, threads: _t, keep, ...over } = opts;
  const cfg = await packConfig(ctx, over);
  assertEncoding(cfg.encoding);
  const inputs = resolveInputs(ctx.cwd, dirArgs ?? [], fileList);
  const { dirs, only } = inputs;
  const base =
    dirs.length === 1 ? dirs[0]! : dirs.every((d) => isInside(ctx.cwd, d)) ? ctx.cwd : commonAncestor(dirs);
  const outputPath = resolve(ctx.cwd, cfg.output);
  if (write !== false) refuseOwnInputs(ctx, outputPath);
  // A repomix.config.json's selection rules apply as its .repomixignore does (see notices.ts).
  const repomix = cfg.dotIgnore ? readRepomixConfig(base) : undefined;
  const repomixApplied: string[] = [];
  if (!cfg.include.length && repomix?.pack.include?.length) repomixApplied.push('include');
  if (repomix?.pack.ignore?.length) repomixApplied.push('ignore.customPatterns');
  const include = splitList(cfg.include.length ? cfg.include : (repomix?.pack.include ?? []));
  const ignore = splitList([...cfg.ignore, ...(repomix?.pack.ignore ?? [])]);
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
  // checked here so a bad [pack] compress glob is a usage error before any work
  if (Array.isArray(cfg.compress)) compileGlobs(cfg.compress, '[pack] compress');
  return {
    ...cfg,
    encoding: cfg.encoding,
    include,
    ignore,
    dirs,
    only,
    missing: inputs.missing.map((m) => relative(base, m).split(sep).join('/')),
    base,
    name: basename(dirs.length === 1 ? dirs[0]! : base) || base,
    outputPath,
    includeMatcher: compileGlobs(include, '--include'),
    ignoreMatcher: compileGlobs(ignore, '--ignore'),
    instructionsText,
    repomix: repomix && { config: repomix, applied: repomixApplied },
    write: write !== false,
    keep: keep ?? [],
  };
}

interface Inputs {
  dirs: string[];
  only: (Set<string> | undefined)[];
  missing: string[];
}

/**
 * Arguments may be directories or files; --stdin adds more paths (a listed path that does
 * not exist is reported as missing, `git diff --name-only` lists deleted files). Files are
 * packed from one root: the current directory when they are all inside it, otherwise
 * their closest common directory. A directory argument covers its files whole.
 */
function resolveInputs(cwd: string, args: string[], listed: string[] | undefined): Inputs {
  const dirs: string[] = [];
  const files: string[] = [];
  const missing: string[] = [];
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  };
  for (const a of args) {
    const p = resolve(cwd, a);
    const k = kind(p);
    if (k === undefined) {
      throw new UsageError(`no such file or directory: ${p}`, {
        code: 'E_NO_DIR',
        hint: 'pass directories or files to pack (default: the current directory); use --include to pick files',
      });
    }
    (k === 'dir' ? dirs : files).push(p);
  }
  for (const l of listed ?? []) {
    const p = resolve(cwd, l);
    const k = kind(p);
    if (k === 'dir') dirs.push(p);
    else if (k === 'file') files.push(p);
    else missing.push(p);
  }
  if (dirs.length === 0 && files.length === 0 && listed === undefined) dirs.push(cwd);
  const only: (Set<string> | undefined)[] = dirs.map(() => undefined);
  if (files.length > 0 || (listed !== undefined && dirs.length === 0)) {
    const all = [...files, ...missing];
    const root = all.every((f) => isInside(cwd, f)) ? cwd : commonAncestor(all.map((f) => dirname(f)));
    const k = dirs.indexOf(root);
    const wanted = new Set(files.map((f) => relative(root, f).split(sep).join('/')));
    if (k < 0) {
      dirs.push(root);
      only.push(wanted);
    }
  }
  return { dirs, only, missing };
}

/** Output file names specloop reads as input: a pack must never overwrite them. */
const INPUT_FILES = ['specloop.toml', 'spec.md', 'plan.md', 'todo.md'];

/** -o must not point into a .git directory or at one of specloop's own input files. */
function refuseOwnInputs(ctx: Context, output: string): void {
  if (output.split(sep).includes('.git')) {
    throw new UsageError(`refusing to write the pack inside a .git directory: ${output}`, {
      code: 'E_OUTPUT',
      hint: 'choose an output path outside .git/ with -o',
    });
  }
  const roots = new Set([ctx.cwd, ctx.projectRoot ?? ctx.cwd]);
  for (const r of roots) {
    for (const name of INPUT_FILES) {
      if (output === resolve(r, name)) {
        throw new UsageError(`refusing to overwrite ${name} with the pack: ${output}`, {
          code: 'E_OUTPUT',
          hint: `${name} is one of specloop's input files; choose another name with -o`,
        });
      }
    }
  }
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
