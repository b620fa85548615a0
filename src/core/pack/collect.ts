import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { BlockStore, StoredBlock } from './block-store.js';
import type { TokenCache } from './cache.js';
import type { ResolvedPack } from './options.js';
import {
  MIN_FILES_FOR_WORKERS,
  mostlyCached,
  prestartWorkers,
  processFiles,
  type StartedWorkers,
} from './pool.js';
import { FileProcessor, Priors, type ProcessConfig } from './process-file.js';
import { quotePath } from './render/quote-path.js';
import { SKIP_LABEL } from './summary.js';
import { counterFor } from './tokens/counter.js';
import type { PackOptions, SkippedFile } from './types.js';
import type { WireBatch } from './wire.js';

export interface Processed {
  packed: StoredBlock[];
  skipped: SkippedFile[];
  hits: number;
  notices: string[];
  /** Where the files were processed (decided from what the cache covers). */
  mode: 'threads' | 'in-thread';
}

export interface ProcessAllOptions {
  resolved: ResolvedPack;
  /** The selected paths, in output order. */
  paths: string[];
  cache: TokenCache;
  /** Where each packed block goes, in path order. */
  store: BlockStore;
  /** The caller's options (progress, threads). */
  options: PackOptions;
  /** processConfigFor(o, cache, ctx.env): what workers started early were given too. */
  cfg: ProcessConfig;
  /** `predictOutcomes`: how many files need real work, and what the stat index read per path. */
  predicted?: { misses: number; priors?: Priors };
  /**
   * With workers: called once when this thread has no batch left but workers still do,
   * with the files left out so far (all but those of the batches still out).
   */
  idle?: (skippedSoFar: readonly SkippedFile[]) => void;
  /** Workers started during the walk, to adopt. */
  started?: StartedWorkers;
}

/**
 * Run the files through the pool; outcomes arrive in any order and are put into the
 * store in path order (a small reorder buffer), so the main thread never holds the pack.
 */
export async function processAll(ctx: Context, opts: ProcessAllOptions): Promise<Processed> {
  const { resolved: o, paths, cache, store, options, cfg, predicted, idle } = opts;
  const packed: StoredBlock[] = [];
  const skipped: SkippedFile[] = [];
  let hits = 0;
  const decoded: string[] = [];
  let compressed = 0;
  const whole = new Map<string, number>();
  const waiting = new Map<number, WireBatch>();
  let next = 0;
  let warmedUp = false;
  // Batches arrive in any order; take them in path order.
  const sink = (first: number, batch: WireBatch) => {
    waiting.set(first, batch);
    for (let b = waiting.get(next); b !== undefined; b = waiting.get(next)) {
      waiting.delete(next);
      next += b.outcomes.length;
      for (const x of b.outcomes) {
        if (x.ok) {
          packed.push(store.put(x, b.bytes));
          if (x.decodedFrom) decoded.push(`${quotePath(x.path)} (${x.decodedFrom})`);
          if (x.compressed) compressed++;
          else if (x.compressed === false) {
            const ext = extOf(x.path);
            whole.set(ext, (whole.get(ext) ?? 0) + 1);
          }
          if (x.cached) hits++;
          else if (!warmedUp) {
            // Something needs counting, so the header will too: load the main thread's
            // vocabulary now, while it is idle, not after the workers finish.
            warmedUp = true;
            counterFor(o.encoding).catch(() => {});
          }
        } else if (x.reason === 'unreadable') {
          throw new UsageError(`cannot read ${x.path}: ${x.detail}`, {
            code: 'E_UNREADABLE',
            hint: `fix its permissions, or leave it out with --ignore "${x.path}"`,
          });
        } else skipped.push({ path: x.path, reason: x.reason, ...(x.detail ? { detail: x.detail } : {}) });
      }
    }
  };
  const pool = await processFiles(o.base, paths, cfg, {
    threads: threadsFor(ctx, options),
    started: opts.started,
    signal: ctx.signal,
    predictedMisses: predicted?.misses,
    priors: predicted?.priors,
    sink,
    settle: store.settle ? () => store.settle!() : undefined,
    onEntries: (e) => cache.stage(e),
    idle: idle && (() => idle(skipped)),
    onProgress: (done, total) => options.progress?.update(`packing files… ${done}/${total}`),
  });
  ctx.log.debug(`pack: processed ${paths.length} files (${pool.mode})`);
  cache.stage(pool.entries);
  const notices: string[] =
    decoded.length > 0
      ? [
          `Decoded ${decoded.length} file${decoded.length === 1 ? '' : 's'} as UTF-16 (byte-order mark): ${decoded.join(', ')}`,
        ]
      : [];
  if (compressed > 0 || whole.size > 0) {
    const rest = [...whole].map(([e, n]) => `${e} (${n})`).join(', ');
    notices.push(
      `Compressed ${compressed} file${compressed === 1 ? '' : 's'} (tree-sitter: bodies → …)` +
        (rest ? `; packed whole, no grammar: ${rest}` : ''),
    );
  }
  return { packed, skipped, hits, notices, mode: pool.mode };
}

const extOf = (p: string) => {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.lastIndexOf('.') > 0 ? base.slice(base.lastIndexOf('.')) : base;
};

/** Worker threads asked for (options, then SPECLOOP_PACK_THREADS); undefined: the pool decides. */
export function threadsFor(ctx: Context, options: PackOptions): number | undefined {
  const env = ctx.env.SPECLOOP_PACK_THREADS;
  return options.threads ?? (env !== undefined && env !== '' ? Number(env) : undefined);
}

/** What every FileProcessor (worker or this thread) is configured with. */
export function processConfigFor(
  o: ResolvedPack,
  cache: TokenCache,
  env: Record<string, string | undefined> = {},
): ProcessConfig {
  const racy = env.SPECLOOP_PACK_RACY_MS; // tests: vouch for files written a moment ago
  return {
    ...(racy !== undefined && racy !== '' ? { racyMs: Number(racy) } : {}),
    encoding: o.encoding,
    style: o.style,
    removeComments: o.removeComments,
    lineNumbers: o.lineNumbers,
    removeEmptyLines: o.removeEmptyLines,
    truncateBase64: o.truncateBase64,
    securityCheck: o.securityCheck,
    compress: o.compress,
    keep: o.keep,
    maxFileSize: o.maxFileSize,
    cache: cache.entries,
  };
}

/**
 * What the stat index says before any file is read: how many files need real work (that
 * decides in-thread vs workers) and which will be left out (marked in the tree written
 * first, so a warm pack is written once).
 */
export function predictOutcomes(
  o: ResolvedPack,
  ordered: string[],
  cache: TokenCache,
): { misses: number; skips: Map<string, string>; priors?: Priors } {
  const skips = new Map<string, string>();
  if (cache.entries.size === 0) return { misses: ordered.length, skips };
  const probe = new FileProcessor(processConfigFor(o, cache));
  let misses = 0;
  const priors = new Priors(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const p = ordered[i]!;
    const outcome = probe.predict(o.base, p, priors, i);
    if (outcome === undefined) misses++;
    else if (outcome !== 'packed') skips.set(p, SKIP_LABEL[outcome]);
  }
  return { misses, skips, priors };
}

/** Files the early-start check looks up in the stat index (the first ones the walk found). */
const PROBE_FILES = 32;

/**
 * Workers started while the walk is still listing files, for a pack that looks cold: once
 * the walk has found enough files for workers, and the stat index vouches for few of the
 * first of them (judged as the pool judges all of them later). A warm pack starts none;
 * a pack that turns out to be one for this thread stops them (processFiles).
 */
export function earlyWorkers(
  o: ResolvedPack,
  cache: TokenCache,
  cfg: ProcessConfig,
  threads: number | undefined,
): {
  onFound: ((found: number, first: (n: number) => string[]) => void) | undefined;
  started: () => StartedWorkers | undefined;
} {
  let started: StartedWorkers | undefined;
  let decided = threads === 0;
  const onFound = (found: number, first: (n: number) => string[]) => {
    if (decided || found < MIN_FILES_FOR_WORKERS) return;
    decided = true;
    const sample = first(PROBE_FILES);
    if (!mostlyCached(sample.length, predictOutcomes(o, sample, cache).misses))
      started = prestartWorkers(cfg, threads);
  };
  return { onFound: decided ? undefined : onFound, started: () => started };
}
