import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InterruptedError, WorkError } from '../errors.js';
import { type FileOutcome, FileProcessor, type Priors, type ProcessConfig } from './process-file.js';
import { loadEncoding } from './tokens/encodings.js';
import { toWire, type WireBatch, type WireOutcome } from './wire.js';
import type { RanksMessage, WorkerInit } from './worker.js';

/** Files per message: big enough that messaging is noise, small enough to balance. */
const BATCH = 64;
/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 200;

export interface PoolOptions {
  /**
   * Receives each batch as it is ready (batches in any order, outcomes in path order
   * within one); `first` is the position of its first outcome in `paths`.
   */
  sink: (first: number, batch: WireBatch) => void;
  /** Worker threads; 0 = in this thread. Default: one per core for big packs, else 0. */
  threads?: number;
  signal: AbortSignal;
  /** Files the stat index could not vouch for (see FileProcessor.predict). */
  predictedMisses?: number;
  /** Per path, what the stat prediction already read (used when processing in this thread). */
  priors?: Priors;
  onProgress?: (done: number, total: number) => void;
  /** In this thread, after each batch: write out what the sink holds (BlockStore.settle). */
  settle?: () => ArrayBufferLike | undefined;
}

export interface PoolResult {
  entries: [string, string][];
  /** How the files were processed (reported by --verbose and the bench). */
  mode: 'threads' | 'in-thread';
}

/**
 * The worker to start: dist/pack-worker.js beside the running bundle; from sources
 * (vitest, tsx) worker.ts through tsx's loader; undefined when neither is available
 * (then files are processed in this thread).
 */
export function workerEntry(): URL | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    try {
      const req = createRequire(here);
      const api = pathToFileURL(
        join(dirname(req.resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
      ).href;
      const src = new URL('./worker.ts', here).href;
      const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(src)});`;
      return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
    } catch {
      return undefined;
    }
  }
  const built = new URL('./pack-worker.js', here);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Process every path (relative to root) and return outcomes in input order. */
export async function processFiles(
  root: string,
  paths: string[],
  cfg: ProcessConfig,
  opts: PoolOptions,
): Promise<PoolResult> {
  const warm = opts.predictedMisses !== undefined && mostlyCached(paths.length, opts.predictedMisses);
  const wanted = opts.threads ?? (paths.length < MIN_FILES_FOR_WORKERS || warm ? 0 : availableParallelism());
  const threads = Math.min(wanted, Math.ceil(paths.length / BATCH));
  const entry = threads > 0 ? workerEntry() : undefined;
  if (entry) {
    try {
      return await inWorkers(entry, threads, root, paths, cfg, opts);
    } catch (err) {
      // Workers that could not even start (no loader, resource limits): do it here instead.
      if (!(err instanceof StartupError)) throw err;
    }
  }
  return inThread(root, paths, cfg, opts);
}

class StartupError extends Error {}

/** Predicted misses up to this share of the files are cheaper in this thread than workers. */
const WARM_MISS_SHARE = 0.02;

/**
 * A warm pack (the cache covers nearly every file, judged by size and mtime) is faster in
 * this thread: starting workers and loading their tokenizers costs more than the few
 * files left to count.
 */
export function mostlyCached(files: number, predictedMisses: number): boolean {
  return predictedMisses <= Math.max(8, Math.floor(files * WARM_MISS_SHARE));
}

async function inThread(
  root: string,
  paths: string[],
  cfg: ProcessConfig,
  opts: PoolOptions,
): Promise<PoolResult> {
  const proc = new FileProcessor(cfg);
  for (let start = 0; start < paths.length; start += BATCH) {
    const outcomes: FileOutcome[] = [];
    const end = Math.min(paths.length, start + BATCH);
    for (let i = start; i < end; i++) {
      if (opts.signal.aborted) throw new InterruptedError();
      const out = proc.process(root, paths[i]!, opts.priors, i);
      outcomes.push(out instanceof Promise ? await out : out);
    }
    opts.sink(start, toWire(outcomes, true));
    // chunks read into (arena.ts) can be reused once the blocks in them are written
    if (opts.settle && proc.hasRetired) proc.recycle(opts.settle());
    opts.onProgress?.(Math.min(start + BATCH, paths.length), paths.length);
  }
  return { entries: proc.takeEntries(), mode: 'in-thread' };
}

interface Reply {
  id: number;
  outcomes?: WireOutcome[];
  bytes?: ArrayBuffer;
  entries?: [string, string][];
  error?: string;
}

function inWorkers(
  entry: URL,
  threads: number,
  root: string,
  paths: string[],
  cfg: ProcessConfig,
  opts: PoolOptions,
): Promise<PoolResult> {
  const entries: [string, string][] = [];
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<PoolResult>((resolve, reject) => {
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve({ entries, mode: 'threads' });
    };
    const onAbort = () => finish(new InterruptedError());
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker) => {
      if (next >= paths.length) return;
      const start = next;
      next = Math.min(paths.length, next + BATCH);
      w.postMessage({ id: start, root, paths: paths.slice(start, next) });
    };
    const init: WorkerInit = { cfg, sharedRanks: true };
    for (let t = 0; t < threads; t++) {
      const w = new Worker(entry, { workerData: init });
      workers.push(w);
      w.on('message', (r: Reply) => {
        if (r.error) return finish(new WorkError(`pack worker failed: ${r.error}`));
        const got = r.outcomes ?? [];
        try {
          opts.sink(r.id, { outcomes: got, bytes: new Uint8Array(r.bytes ?? new ArrayBuffer(0)) });
        } catch (err) {
          return finish(err as Error);
        }
        if (r.entries) entries.push(...r.entries);
        done += got.length;
        opts.onProgress?.(done, paths.length);
        if (done >= paths.length) return finish();
        feed(w);
      });
      w.on('error', (err) =>
        finish(
          done === 0 ? new StartupError(err.message) : new WorkError(`pack worker crashed: ${err.message}`),
        ),
      );
      w.on('exit', (code) => {
        if (!settled)
          finish(
            done === 0 ? new StartupError(`exit ${code}`) : new WorkError(`pack worker exited (${code})`),
          );
      });
      feed(w);
    }
    // The rank table is built once, here, while the workers start, and lent to each of
    // them (shared memory): the main thread needs it for the header anyway.
    const lend = (ranks: RanksMessage['ranks']) => {
      for (const w of workers) if (!settled) w.postMessage({ ranks } satisfies RanksMessage);
    };
    loadEncoding(cfg.encoding).then(
      (v) => lend(v.shared),
      () => lend(null),
    );
    if (paths.length === 0) finish();
  });
}
