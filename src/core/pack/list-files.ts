import type { Context } from '../context.js';
import { isOwnOutput, prefixFor, type ResolvedPack, resolveOptions } from './options.js';
import { selectFiles } from './select/index.js';
import type { PackOptions, SkippedFile } from './types.js';

/**
 * The selection step of a pack alone (git ls-files / the walk, ignore files, include and
 * ignore globs): the paths a pack with these options would consider, relative to its base,
 * and paths asked for by name but left out (`early`). No file is read.
 */
export async function selectPaths(
  ctx: Context,
  o: ResolvedPack,
  since?: () => string,
  onFound?: (found: number, first: (n: number) => string[]) => void,
): Promise<{ paths: string[]; early: SkippedFile[] }> {
  const paths: string[] = [];
  const early: SkippedFile[] = o.missing.map((path) => ({ path, reason: 'missing', detail: 'no such file' }));
  for (const [k, dir] of o.dirs.entries()) {
    const only = o.only[k];
    const prefix = prefixFor(o.base, dir);
    const before = paths.length;
    const sel = await selectFiles({
      root: dir,
      gitignore: o.gitignore,
      defaultIgnore: o.defaultIgnore,
      dotIgnore: o.dotIgnore,
      include: o.includeMatcher,
      ignore: o.ignoreMatcher,
      exclude: isOwnOutput(o.outputPath, dir),
      only,
      env: ctx.env,
      signal: ctx.signal,
      onFound:
        onFound &&
        ((files) =>
          onFound(before + files.length, (n) => [
            ...paths.slice(0, n),
            ...files.slice(0, Math.max(0, n - before)).map((f) => prefix + f),
          ])),
    });
    if (since) ctx.log.debug(`pack: ${sel.files.length} files in ${dir} (${sel.mode}) at ${since()}`);
    for (const f of sel.files) paths.push(prefix + f);
    if (only) {
      // Asked for by name but left out by a rule: say so (nothing is dropped silently).
      const got = new Set(sel.files);
      for (const f of only) if (!got.has(f)) early.push({ path: prefix + f, reason: 'ignored' });
    }
  }
  return { paths, early };
}

/** The files `pack(ctx, options)` would consider, without reading any (e.g. to choose what to keep first). */
export async function listFiles(ctx: Context, options: PackOptions = {}): Promise<string[]> {
  return (await selectPaths(ctx, await resolveOptions(ctx, { ...options, write: false }))).paths;
}
