/**
 * `pack`: the repository as one LLM-ready file. Public API of src/core/pack.
 *
 * select (git ls-files / walk with git's rules) → process in worker threads (read,
 * binary/UTF-8/size checks, secretlint, transform, render, exact token count, cached by
 * content) → assemble (budget, split; exact totals) → write atomically.
 */
import { relative, sep } from 'node:path';
import type { Context } from '../context.js';
import { InterruptedError, UsageError, WorkError } from '../errors.js';
import { assemble } from './assemble.js';
import { type BlockStore, DirectStore, FileStore, MemoryStore, NullStore } from './block-store.js';
import { TokenCache } from './cache.js';
import {
  earlyWorkers,
  type Processed,
  predictOutcomes,
  processAll,
  processConfigFor,
  threadsFor,
} from './collect.js';
import { tuneCompilerForPack } from './compiler-tuning.js';
import { type CondenseLevel, collapseFor, condenseLeftOut, MAX_CONDENSE } from './condense.js';
import { selectPaths } from './list-files.js';
import { repomixNotice } from './notices.js';
import { partPath, type ResolvedPack, resolveOptions } from './options.js';
import type { ProcessConfig } from './process-file.js';
import { checkoutRemote } from './remote.js';
import { type HeaderInfo, styleRenderer } from './render/index.js';
import { summaryLines } from './render/summary.js';
import { renderTree } from './render/tree.js';
import { footerInfo, measurer } from './sections.js';
import { sortPaths } from './select/sort.js';
import { SKIP_LABEL } from './summary.js';
import { counterFor } from './tokens/counter.js';
import { type EncodingName, rankTableSource } from './tokens/encodings.js';
import type { PackOptions, PackResult, SkippedFile } from './types.js';
import { checkOutputPath, partText, writeParts } from './write-output.js';

export { listFiles } from './list-files.js';
export { formatSummary } from './summary.js';
export { formatTokenCountTree, tokenCountTree } from './token-count-tree.js';

export { ENCODINGS } from './tokens/encodings.js';
export type * from './types.js';

/** Exact token count of `text` (special tokens such as `<|endoftext|>` count as text). */
export async function countTokens(text: string, encoding: EncodingName = 'o200k_base'): Promise<number> {
  return (await counterFor(encoding)).count(text);
}

/** Pack directories into one (or, with splitTokens, several) LLM-ready files. */
export async function pack(ctx: Context, options: PackOptions = {}): Promise<PackResult> {
  const t0 = performance.now();
  tuneCompilerForPack();
  const up = process.cpuUsage();
  ctx.log.debug(
    `pack: started ${Math.round(t0)} ms after node did (cpu ${Math.round((up.user + up.system) / 1000)} ms)`,
  );
  const progress = options.progress;
  if (options.remote !== undefined) {
    if (options.dirs?.length || options.fileList)
      throw new UsageError('--remote packs the remote repository: drop the paths / --stdin', {
        code: 'E_REMOTE',
      });
    progress?.start(`fetching ${options.remote}…`);
    const remote = await checkoutRemote(ctx, options.remote);
    options = { ...options, remote: undefined, dirs: [remote.dir] };
    const o = await resolveOptions(ctx, options);
    return packResolved(ctx, { ...o, name: `${remote.name}@${remote.commit.slice(0, 12)}` }, options, t0);
  }
  return packResolved(ctx, await resolveOptions(ctx, options), options, t0);
}

async function packResolved(
  ctx: Context,
  o: ResolvedPack,
  options: PackOptions,
  t0: number,
): Promise<PackResult> {
  // wall and CPU (user + sys) since the start: on a busy machine only the CPU is comparable
  const cpu0 = process.cpuUsage();
  const since = () => {
    const c = process.cpuUsage(cpu0);
    return `${Math.round(performance.now() - t0)} ms (cpu ${Math.round((c.user + c.system) / 1000)} ms)`;
  };
  const progress = options.progress;
  if (o.write && !o.splitTokens) checkOutputPath(o.outputPath);
  if (o.write && o.splitTokens) checkOutputPath(partPath(o.outputPath, 1));
  const cache = await TokenCache.load(o.cache ? ctx.cacheDir : undefined);
  ctx.log.debug(`pack: ${cache.entries.size} cache entries loaded at ${since()}`);

  progress?.start('selecting files…');
  const cfg = processConfigFor(o, cache, ctx.env);
  const ahead = earlyWorkers(o, cache, cfg, threadsFor(ctx, options));
  try {
    return await packSelected(ctx, { resolved: o, options, cache, cfg, since, ahead });
  } finally {
    ahead.started()?.stop(); // ended by the pool already, unless the pack failed before it
  }
}

interface PackSelectedOptions {
  resolved: ResolvedPack;
  /** The caller's options (progress, threads). */
  options: PackOptions;
  cache: TokenCache;
  /** `processConfigFor(...)`: what the workers started during the walk were given too. */
  cfg: ProcessConfig;
  /** Wall and CPU time since the pack started, for the debug log. */
  since: () => string;
  /** Workers started during the walk (`earlyWorkers`), adopted or stopped by the pool. */
  ahead: ReturnType<typeof earlyWorkers>;
}

/** Select the files, process them into the store and finish the pack. */
async function packSelected(ctx: Context, opts: PackSelectedOptions): Promise<PackResult> {
  const { resolved: o, options, cache, cfg, since, ahead } = opts;
  const progress = options.progress;
  const { paths, early } = await selectPaths(ctx, o, since, ahead.onFound);
  const started = ahead.started()?.workers.length;
  if (started)
    ctx.log.debug(`pack: ${started} worker${started === 1 ? '' : 's'} started while listing (cold)`);
  const ordered = o.dirs.length > 1 ? sortPaths([...new Set(paths)]) : paths;
  if (ctx.signal.aborted) throw new InterruptedError();

  progress?.update(`packing ${ordered.length} files…`);
  const header: HeaderInfo = {
    name: o.name,
    encoding: o.encoding,
    summary: o.fileSummary ? summaryLines(o) : [],
    userHeader: o.header,
    tree: undefined,
  };
  // What the cache already knows (by size and mtime): how many files need real work, and
  // which will be left out, so the tree written first is usually the final one.
  const predicted = predictOutcomes(o, ordered, cache);
  ctx.log.debug(`pack: ${predicted.misses} predicted misses at ${since()}`);
  // The tree is drawn once, when its marks are as well known as they get before the end:
  // at once when the stat index predicted every file; else when this thread has no batch
  // left (every mark known but those of the workers' last files), or when the first block
  // must go out before that. finish draws it again only if the final marks differ.
  const renderer = styleRenderer(o.style);
  let marked: ReadonlyMap<string, string> | undefined;
  const draw = (marks: ReadonlyMap<string, string>) => {
    marked = marks;
    if (o.directoryStructure) header.tree = renderTree(ordered, marks);
  };
  if (predicted.misses === 0) draw(predicted.skips);
  // The common case streams straight into the output; budgets and splits decide late.
  const direct = o.write && o.files && !o.tokenBudget && !o.splitTokens;
  const store: BlockStore = !o.files
    ? new NullStore()
    : direct
      ? new DirectStore(o.outputPath, () => {
          if (!marked) draw(predicted.skips);
          return renderer.header(header);
        })
      : o.write
        ? new FileStore(o.outputPath)
        : new MemoryStore();
  // The header as drawn then is usually the final one (else it differs in a few marks):
  // count it while the last batches are in the workers, not after.
  const measure = measurer(o.encoding, cache, countTokens);
  const idle = (soFar: readonly SkippedFile[]) => {
    if (!o.files) return;
    if (!marked) {
      const marks = new Map(predicted.skips);
      for (const x of soFar) marks.set(x.path, SKIP_LABEL[x.reason]);
      draw(marks);
    }
    measure(renderer.header(header)).catch(() => {});
  };
  try {
    const processed = await processAll(ctx, {
      resolved: o,
      paths: ordered,
      cache,
      store,
      options,
      cfg,
      predicted,
      idle,
      started: ahead.started(),
    });
    processed.skipped.push(...early);
    const said =
      o.repomix && repomixNotice(o.repomix.config, o.repomix.applied, o.cache ? ctx.cacheDir : undefined);
    if (said) processed.notices.unshift(said);
    ctx.log.debug(`pack: processed at ${since()}`);
    const result = await finish(ctx, {
      resolved: o,
      header,
      selected: ordered,
      marked,
      processed,
      cache,
      store,
      measure,
    });
    ctx.log.debug(`pack: written and cache saved at ${since()}`);
    const ranks = rankTableSource(o.encoding);
    if (ranks)
      ctx.log.debug(`pack: ${o.encoding} rank table ${ranks === 'built' ? 'loaded as built' : 'parsed'}`);
    return result;
  } finally {
    await store.dispose();
    progress?.stop();
  }
}

interface FinishOptions {
  resolved: ResolvedPack;
  /** The header as drawn so far (its tree, once drawn, when there is one). */
  header: HeaderInfo;
  /** Every selected path, in output order: the files the tree lists. */
  selected: string[];
  /** The files the tree drawn so far marks as left out (path → label); undefined: not drawn. */
  marked: ReadonlyMap<string, string> | undefined;
  processed: Processed;
  cache: TokenCache;
  store: BlockStore;
  /** Exact token count of a header or footer (cached). */
  measure: (text: string) => Promise<number>;
}

/** Fit the processed files to the budget / split, write the output and save the cache. */
async function finish(ctx: Context, opts: FinishOptions): Promise<PackResult> {
  const { resolved: o, header, selected, marked, processed, cache, store, measure } = opts;
  const { packed, skipped, hits, notices, mode } = processed;
  const extras = await footerInfo(ctx, o, skipped);
  const renderer = styleRenderer(o.style);
  const inTree = new Set(selected);
  const leftOutOf = (gone: SkippedFile[]) => {
    const m = new Map<string, string>();
    for (const x of [...skipped, ...gone]) if (inTree.has(x.path)) m.set(x.path, SKIP_LABEL[x.reason]);
    return m;
  };
  // The tree lists every selected file; the ones left out carry their reason, condensed
  // into per-directory counts when a budget needs the room.
  const headerFor = (gone: SkippedFile[], level: CondenseLevel): HeaderInfo => {
    if (!o.directoryStructure) return header;
    const marks = leftOutOf(gone);
    if (level === MAX_CONDENSE && marks.size > 0)
      return {
        ...header,
        tree: `(the tree of ${selected.length} files is left out to fit the token budget)`,
      };
    // the usual case: the marks it was drawn with were right, the tree stands
    if (level === 0 && marked && sameEntries(marks, marked)) return header;
    return { ...header, tree: renderTree(selected, marks, collapseFor(selected, marks, level).dirs) };
  };
  const label = (x: SkippedFile) => SKIP_LABEL[x.reason];
  const tA = performance.now();
  // Nothing will be dropped (no budget, no split): the blocks go out behind the final
  // header while this thread counts it and builds the footer.
  if (store instanceof DirectStore) store.begin(renderer.header(headerFor([], 0)), packed.at(-1));
  const { parts, dropped } = await assemble({
    files: o.files ? packed : [],
    renderer,
    headerFor,
    footerFor: (gone, kept, level) => ({
      ...extras,
      packed: kept,
      skipped: condenseLeftOut(
        sortSkipped([...skipped, ...gone]),
        label,
        collapseFor(selected, leftOutOf(gone), level),
      ),
    }),
    measure,
    tokenBudget: o.tokenBudget,
    splitTokens: o.splitTokens,
    keep: o.keep.length ? new Set(o.keep) : undefined,
  });
  skipped.push(...dropped);
  const gone = new Set(dropped.map((d) => d.path));
  const kept = packed.filter((f) => !gone.has(f.path));
  const total = parts.reduce((a, p) => a + p.tokens, 0);
  if (o.maxTokens !== undefined && total > o.maxTokens) {
    throw new WorkError(`the pack has ${total} tokens, more than --max-tokens ${o.maxTokens}`, {
      code: 'E_MAX_TOKENS',
      hint: 'narrow it (--include / --ignore / --compress), or fit it with --token-budget (nothing was written)',
    });
  }

  const written = parts.map((plan, i) => ({
    plan,
    path: parts.length > 1 || o.splitTokens ? partPath(o.outputPath, i + 1) : o.outputPath,
  }));
  // the cache's append goes to the thread pool beside the output's write and fsync
  const saved = cache.save();
  if (o.write) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const tW = performance.now();
    if (store instanceof DirectStore)
      await store.finish(parts[0]!.header, parts[0]!.files.at(-1), parts[0]!.footer);
    else writeParts(written, store);
    ctx.log.debug(`pack: assemble ${Math.round(tW - tA)} ms, write ${Math.round(performance.now() - tW)} ms`);
  }
  await saved;

  const outParts = written.map(({ plan, path }) => ({
    path: o.write ? path : undefined,
    text: o.write ? undefined : partText(plan, store),
    tokens: plan.tokens,
    chars: plan.chars,
    files: plan.files.length,
  }));
  const inOutput = o.files ? kept : [];
  return {
    files: kept.map((f) => ({ path: f.path, tokens: f.tokens, chars: f.chars })),
    skipped: sortSkipped(skipped),
    totals: {
      files: inOutput.length,
      chars: outParts.reduce((a, p) => a + p.chars, 0),
      tokens: total,
      fileTokens: inOutput.reduce((a, f) => a + f.tokens, 0),
      skipped: skipped.length,
      encoding: o.encoding,
    },
    output: o.write ? (outParts[0]?.path ?? o.outputPath) : outParts.map((p) => p.text).join(''),
    parts: outParts,
    cache: { hits, misses: packed.length - hits, mode },
    notices,
  };
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function sortSkipped(s: SkippedFile[]): SkippedFile[] {
  return s.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A path as the user would type it from ctx.cwd. */
export function displayPath(ctx: Context, p: string): string {
  const r = relative(ctx.cwd, p);
  return (r === '' ? '.' : r).split(sep).join('/');
}
