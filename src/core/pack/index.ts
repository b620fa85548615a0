/**
 * `pack`: the repository as one LLM-ready file. Public API of src/core/pack.
 *
 * select (git ls-files / walk with git's rules) → process in worker threads (read,
 * binary/UTF-8/size checks, secretlint, transform, render, exact token count, cached by
 * content) → assemble (budget, split; exact totals) → write atomically.
 */
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, UsageError } from '../errors.js';
import { assemble } from './assemble.js';
import { type BlockStore, FileStore, MemoryStore, type StoredBlock } from './block-store.js';
import { TokenCache } from './cache.js';
import { gitDiffSection, gitLogSection } from './git-sections.js';
import { isOwnOutput, partPath, prefixFor, type ResolvedPack, resolveOptions } from './options.js';
import { processFiles } from './pool.js';
import type { FileOutcome } from './process-file.js';
import { type FooterInfo, styleRenderer } from './render/index.js';
import { summaryLines } from './render/summary.js';
import { renderTree } from './render/tree.js';
import { describeFindings, findSecrets } from './secrets.js';
import { selectFiles } from './select/index.js';
import { sortPaths } from './select/sort.js';
import { TokenCounter } from './tokens/counter.js';
import { type EncodingName, loadEncoding } from './tokens/encodings.js';
import type { PackOptions, PackResult, SkippedFile } from './types.js';
import { checkOutputPath, partText, writeParts } from './write-output.js';

export { formatSummary } from './summary.js';
export { ENCODINGS } from './tokens/encodings.js';
export type * from './types.js';

const counters = new Map<EncodingName, Promise<TokenCounter>>();

/** Exact token count of `text` (special tokens such as `<|endoftext|>` count as text). */
export async function countTokens(text: string, encoding: EncodingName = 'o200k_base'): Promise<number> {
  let c = counters.get(encoding);
  if (!c) {
    c = loadEncoding(encoding).then((ref) => new TokenCounter(ref));
    counters.set(encoding, c);
  }
  return (await c).count(text);
}

/** Pack directories into one (or, with splitTokens, several) LLM-ready files. */
export async function pack(ctx: Context, options: PackOptions = {}): Promise<PackResult> {
  const t0 = performance.now();
  const since = () => `${Math.round(performance.now() - t0)} ms`;
  const o = resolveOptions(ctx, options);
  const progress = options.progress;
  if (o.write && !o.splitTokens) checkOutputPath(o.outputPath);
  if (o.write && o.splitTokens) checkOutputPath(partPath(o.outputPath, 1));
  const cache = await TokenCache.load(o.cache ? ctx.cacheDir : undefined);

  progress?.start('selecting files…');
  const paths: string[] = [];
  for (const dir of o.dirs) {
    const sel = await selectFiles({
      root: dir,
      gitignore: o.gitignore,
      defaultIgnore: o.defaultIgnore,
      include: o.includeMatcher,
      ignore: o.ignoreMatcher,
      exclude: isOwnOutput(o.outputPath, dir),
      env: ctx.env,
      signal: ctx.signal,
    });
    ctx.log.debug(`pack: ${sel.files.length} files in ${dir} (${sel.mode}) at ${since()}`);
    const prefix = prefixFor(o.base, dir);
    for (const f of sel.files) paths.push(prefix + f);
  }
  const ordered = o.dirs.length > 1 ? sortPaths([...new Set(paths)]) : paths;
  if (ctx.signal.aborted) throw new InterruptedError();

  progress?.update(`packing ${ordered.length} files…`);
  const store: BlockStore = o.write ? new FileStore(o.outputPath) : new MemoryStore();
  try {
    const { packed, skipped, hits } = await processAll(ctx, o, ordered, cache, store, options);
    ctx.log.debug(`pack: processed at ${since()}`);
    const result = await finish(ctx, o, { packed, skipped, hits }, cache, store);
    ctx.log.debug(`pack: written at ${since()}`);
    return result;
  } finally {
    store.dispose();
    progress?.stop();
  }
}

interface Processed {
  packed: StoredBlock[];
  skipped: SkippedFile[];
  hits: number;
}

/**
 * Run the files through the pool; outcomes arrive in any order and are put into the
 * store in path order (a small reorder buffer), so the main thread never holds the pack.
 */
async function processAll(
  ctx: Context,
  o: ResolvedPack,
  ordered: string[],
  cache: TokenCache,
  store: BlockStore,
  options: PackOptions,
): Promise<Processed> {
  const packed: StoredBlock[] = [];
  const skipped: SkippedFile[] = [];
  let hits = 0;
  const waiting = new Map<number, FileOutcome>();
  let next = 0;
  const sink = (index: number, outcome: FileOutcome) => {
    waiting.set(index, outcome);
    for (let x = waiting.get(next); x !== undefined; x = waiting.get(next)) {
      waiting.delete(next++);
      if (x.ok) {
        packed.push(store.put(x));
        if (x.cached) hits++;
      } else if (x.reason === 'unreadable') {
        throw new UsageError(`cannot read ${x.path}: ${x.detail}`, {
          code: 'E_UNREADABLE',
          hint: `fix its permissions, or leave it out with --ignore "${x.path}"`,
        });
      } else skipped.push({ path: x.path, reason: x.reason, ...(x.detail ? { detail: x.detail } : {}) });
    }
  };
  const threadsEnv = ctx.env.SPECLOOP_PACK_THREADS;
  const pool = await processFiles(
    o.base,
    ordered,
    {
      encoding: o.encoding,
      style: o.style,
      removeComments: o.removeComments,
      lineNumbers: o.lineNumbers,
      securityCheck: o.securityCheck,
      maxFileSize: o.maxFileSize,
      cache: cache.entries,
    },
    {
      threads:
        options.threads ?? (threadsEnv !== undefined && threadsEnv !== '' ? Number(threadsEnv) : undefined),
      signal: ctx.signal,
      sink,
      onProgress: (done, total) => options.progress?.update(`packing files… ${done}/${total}`),
    },
  );
  ctx.log.debug(`pack: processed ${ordered.length} files (${pool.mode})`);
  cache.add(pool.entries);
  return { packed, skipped, hits };
}

async function finish(
  ctx: Context,
  o: ResolvedPack,
  { packed, skipped, hits }: Processed,
  cache: TokenCache,
  store: BlockStore,
): Promise<PackResult> {
  const measure = measurer(o.encoding, cache);
  const footer = await footerInfo(ctx, o, skipped);
  const renderer = styleRenderer(o.style);
  const facts = { ...o, name: o.name };
  const { parts, dropped } = await assemble({
    files: packed,
    renderer,
    headerFor: (files) => ({
      name: o.name,
      files: files.length,
      encoding: o.encoding,
      summary: summaryLines({ ...facts, files: files.length }),
      userHeader: o.header,
      tree: renderTree(files.map((f) => f.path)),
    }),
    footer,
    measure,
    tokenBudget: o.tokenBudget,
    splitTokens: o.splitTokens,
  });
  skipped.push(...dropped);
  const gone = new Set(dropped.map((d) => d.path));
  const kept = packed.filter((f) => !gone.has(f.path));

  const written = parts.map((plan, i) => ({
    plan,
    path: parts.length > 1 || o.splitTokens ? partPath(o.outputPath, i + 1) : o.outputPath,
  }));
  if (o.write) {
    if (ctx.signal.aborted) throw new InterruptedError();
    writeParts(written, store);
  }
  await cache.save();

  const outParts = written.map(({ plan, path }) => ({
    path: o.write ? path : undefined,
    text: o.write ? undefined : partText(plan, store),
    tokens: plan.tokens,
    chars: plan.chars,
    files: plan.files.length,
  }));
  return {
    files: kept.map((f) => ({ path: f.path, tokens: f.tokens, chars: f.chars })),
    skipped: sortSkipped(skipped),
    totals: {
      files: kept.length,
      chars: outParts.reduce((a, p) => a + p.chars, 0),
      tokens: outParts.reduce((a, p) => a + p.tokens, 0),
      fileTokens: kept.reduce((a, f) => a + f.tokens, 0),
      skipped: skipped.length,
      encoding: o.encoding,
    },
    output: o.write ? (outParts[0]?.path ?? o.outputPath) : outParts.map((p) => p.text).join(''),
    parts: outParts,
    cache: { hits, misses: packed.length - hits },
  };
}

function sortSkipped(s: SkippedFile[]): SkippedFile[] {
  return s.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Exact tokens of header/footer text, through the same cache as files. */
function measurer(encoding: EncodingName, cache: TokenCache): (text: string) => Promise<number> {
  return async (text) => {
    const key = createHash('sha1').update(`h\0${encoding}\0`).update(text).digest('hex');
    const hit = cache.entries.get(key);
    if (hit !== undefined && Number.isFinite(Number(hit))) return Number(hit);
    const n = await countTokens(text, encoding);
    cache.add([[key, String(n)]]);
    return n;
  };
}

/** --git-diff, --git-log, --instructions; git sections with secrets are left out and listed. */
async function footerInfo(ctx: Context, o: ResolvedPack, skipped: SkippedFile[]): Promise<FooterInfo> {
  const f: FooterInfo = { instructions: o.instructionsText };
  const dir = o.dirs[0]!;
  const guard = async (label: string, text: string) => {
    if (!o.securityCheck) return text;
    const found = await findSecrets(label, text);
    if (found.length === 0) return text;
    skipped.push({ path: `(${label})`, reason: 'secret', detail: describeFindings(found) });
    return undefined;
  };
  if (o.gitDiff) f.gitDiff = await guard('git diff', await gitDiffSection(dir, ctx.env));
  if (o.gitLog > 0) f.gitLog = await guard('git log', await gitLogSection(dir, ctx.env, o.gitLog));
  return f;
}

/** A path as the user would type it from ctx.cwd. */
export function displayPath(ctx: Context, p: string): string {
  const r = relative(ctx.cwd, p);
  return (r === '' ? '.' : r).split(sep).join('/');
}
