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
export const MIN_FILES_FOR_WORKERS = 200;

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
  /**
   * With workers: called once when this thread has no batch left but workers still do,
   * for work that can be done ahead (counting the header as first drawn).
   */
  idle?: () => void;
  /** Each batch's new cache entries as they come (else they are all in PoolResult.entries). */
  onEntries?: (entries: [string, string][]) => void;
  /** In this thread, after each batch: write out what the sink holds (BlockStore.settle). */
  settle?: () => ArrayBufferLike | undefined;
  /** Workers started while the files were still being listed (prestartWorkers). */
  started?: StartedWorkers;
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
  // The main thread processes files too (it is otherwise idle until the last batch), so one
  // core needs no worker: each worker is an isolate of its own, with its own compiled code
  // and piece memo to warm up.
  const wanted =
    opts.threads ??
    (paths.length < MIN_FILES_FOR_WORKERS || warm ? 0 : Math.max(1, availableParallelism() - 1));
  const threads = Math.min(wanted, Math.ceil(paths.length / BATCH) - 1);
  const entry = threads > 0 ? workerEntry() : undefined;
  const early = opts.started?.workers ?? [];
  for (const p of early.slice(entry ? threads : 0)) void p.w.terminate(); // not needed after all
  if (!entry) return inThread(root, paths, cfg, opts);
  const workers = early.slice(0, threads);
  if (workers.length < threads) workers.push(...spawn(entry, cfg, threads - workers.length));
  return inWorkers(workers, root, paths, cfg, opts);
}

/** Workers started before the file list is known (see prestartWorkers). */
export interface StartedWorkers {
  readonly workers: readonly PoolWorker[];
  /** Stop them all (the pack failed before it processed its files). */
  stop(): void;
}

/**
 * Start the pool's workers now, with the config the files will be processed with: a
 * worker takes ~180 ms to start (an isolate, the bundle, the counter's warm-up), which
 * otherwise passes after the walk. processFiles adopts them, or stops them when the pack
 * turns out to be one for this thread. Undefined when no worker can be started.
 */
export function prestartWorkers(cfg: ProcessConfig, threads?: number): StartedWorkers | undefined {
  const n = threads ?? Math.max(1, availableParallelism() - 1);
  const entry = n > 0 ? workerEntry() : undefined;
  if (!entry) return undefined;
  const workers = spawn(entry, cfg, n);
  if (workers.length === 0) return undefined;
  return {
    workers,
    stop: () => {
      for (const p of workers) void p.w.terminate();
    },
  };
}

/**
 * One worker thread of the pool. How it was lost (crash, exit) is kept from its start, so
 * a worker started early that failed before the pool listened is still handed back.
 */
class PoolWorker {
  readonly w: Worker;
  private lost: string | undefined;
  private onLost: ((why: string) => void) | undefined;

  constructor(entry: URL, init: WorkerInit) {
    this.w = new Worker(entry, { workerData: init });
    this.w.on('error', (err) => this.lose(`crashed: ${err.message}`));
    this.w.on('exit', (code) => this.lose(`exited (${code})`));
  }

  private lose(why: string): void {
    if (this.lost !== undefined) return;
    this.lost = why;
    this.onLost?.(why);
  }

  /** `cb` when the worker is lost (soon, if it already was). */
  whenLost(cb: (why: string) => void): void {
    this.onLost = cb;
    const why = this.lost;
    if (why !== undefined) queueMicrotask(() => cb(why));
  }
}

/**
 * Start `threads` workers (fewer if the system refuses more). The rank table is built
 * once, in this thread, while they start, and lent to each (shared memory): this thread
 * needs it too.
 */
function spawn(entry: URL, cfg: ProcessConfig, threads: number): PoolWorker[] {
  const init: WorkerInit = { cfg, sharedRanks: true };
  const out: PoolWorker[] = [];
  for (let t = 0; t < threads; t++) {
    try {
      out.push(new PoolWorker(entry, init));
    } catch {
      break; // resource limits: the threads started so far (and this one) do the work
    }
  }
  const lend = (ranks: RanksMessage['ranks']) => {
    for (const p of out) p.w.postMessage({ ranks } satisfies RanksMessage);
  };
  if (out.length > 0)
    loadEncoding(cfg.encoding).then(
      (v) => lend(v.shared),
      () => lend(null),
    );
  return out;
}

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

/**
 * Batches a worker holds ahead: the main thread answers messages only between its own
 * batches, so a worker with one batch would wait for it.
 */
const AHEAD = 2;
/** The last this-many batches a thread (of BATCH files) go in quarter batches. */
const TAIL = 4;
/** How long this thread works on its own batch before it answers the workers. */
const YIELD_MS = 4;

interface Slot {
  w: Worker;
  /** Starts of the batches it was given and has not answered yet. */
  given: number[];
  answered: boolean;
}

/**
 * `workers` and this thread take batches from one queue; outcomes reach the sink
 * as they are ready (any order). A worker that fails before its first answer (it could not
 * start) hands its batches back to this thread; after that, a failure stops the pack.
 */
function inWorkers(
  workers: PoolWorker[],
  root: string,
  paths: string[],
  cfg: ProcessConfig,
  opts: PoolOptions,
): Promise<PoolResult> {
  const entries: [string, string][] = [];
  const keep = opts.onEntries ?? ((e: [string, string][]) => entries.push(...e));
  const slots = new Set<Slot>();
  const returned: number[] = [];
  const local = new FileProcessor(cfg);
  let next = 0;
  let done = 0;
  let settled = false;
  let helping = false;
  let idled = false;
  return new Promise<PoolResult>((resolve, reject) => {
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener('abort', onAbort);
      for (const s of slots) void s.w.terminate();
      if (err) reject(err);
      else resolve({ entries, mode: 'threads' });
    };
    const onAbort = () => finish(new InterruptedError());
    opts.signal.addEventListener('abort', onAbort, { once: true });
    // Batch ends by start (batches near the end are smaller, so no thread is left with a
    // long batch while the others have nothing).
    const ends = new Map<number, number>();
    const take = (): number | undefined => {
      if (returned.length > 0) return returned.shift();
      if (next >= paths.length) return undefined;
      const start = next;
      const size = paths.length - next > TAIL * BATCH * (workers.length + 1) ? BATCH : BATCH / 4;
      next = Math.min(paths.length, next + size);
      ends.set(start, next);
      return start;
    };
    const endOf = (start: number) => ends.get(start)!;
    const deliver = (start: number, batch: WireBatch, fresh: [string, string][] | undefined) => {
      try {
        opts.sink(start, batch);
      } catch (err) {
        return finish(err as Error);
      }
      if (fresh) keep(fresh);
      done += batch.outcomes.length;
      opts.onProgress?.(done, paths.length);
      if (done >= paths.length) finish();
    };
    const feed = (s: Slot) => {
      while (!settled && s.given.length < AHEAD) {
        const start = take();
        if (start === undefined) return;
        s.given.push(start);
        s.w.postMessage({ id: start, root, paths: paths.slice(start, endOf(start)) });
      }
    };
    // This thread's share, between the workers' answers.
    let yieldAt = 0;
    const breather = async () => {
      await new Promise<void>((r) => setImmediate(r));
      yieldAt = performance.now() + YIELD_MS;
    };
    const help = async () => {
      helping = true;
      try {
        for (let start = take(); start !== undefined && !settled; start = take()) {
          const outcomes: FileOutcome[] = [];
          for (let i = start; i < endOf(start); i++) {
            if (opts.signal.aborted) throw new InterruptedError();
            const out = local.process(root, paths[i]!, opts.priors, i);
            outcomes.push(out instanceof Promise ? await out : out);
            // a batch of big files takes long: let the workers' answers in (and feed them)
            if (performance.now() > yieldAt) await breather();
          }
          const batch = toWire(outcomes);
          local.recycle(undefined); // toWire copied the bytes out of the chunks read into
          deliver(start, batch, local.takeEntries());
          await breather();
        }
        if (!settled && !idled) {
          idled = true;
          opts.idle?.();
        }
      } catch (err) {
        finish(err as Error);
      }
      helping = false;
    };
    const lost = (s: Slot, why: string) => {
      if (settled || !slots.has(s)) return;
      slots.delete(s);
      if (s.answered) return finish(new WorkError(`pack worker ${why}`));
      returned.push(...s.given);
      if (!helping) void help();
    };
    for (const p of workers) {
      const s: Slot = { w: p.w, given: [], answered: false };
      slots.add(s);
      p.w.on('message', (r: Reply) => {
        if (settled) return;
        if (r.error) return finish(new WorkError(`pack worker failed: ${r.error}`));
        s.answered = true;
        s.given.splice(s.given.indexOf(r.id), 1);
        deliver(
          r.id,
          { outcomes: r.outcomes ?? [], bytes: new Uint8Array(r.bytes ?? new ArrayBuffer(0)) },
          r.entries,
        );
        feed(s);
      });
      p.whenLost((why) => lost(s, why));
      feed(s);
    }
    if (paths.length === 0) finish();
    else void help();
  });
}
