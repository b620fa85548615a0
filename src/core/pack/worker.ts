/**
 * Worker-thread entry (bundled as dist/pack-worker.js): processes batches of files with
 * the same FileProcessor the main thread uses as a fallback.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FileProcessor, type ProcessConfig } from './process-file.js';
import { provideEncoding } from './tokens/encodings.js';
import type { SharedRanks } from './tokens/rank-table.js';
import { toWire } from './wire.js';

/** What a worker starts with; with `sharedRanks` the main thread sends its rank table. */
export interface WorkerInit {
  cfg: ProcessConfig;
  sharedRanks: boolean;
}

/** The main thread's rank table (or null: parse the vocabulary here after all). */
export interface RanksMessage {
  ranks: SharedRanks | null;
}

export interface BatchRequest {
  id: number;
  root: string;
  paths: string[];
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const proc = new FileProcessor(init.cfg);
  let gotRanks: (r: SharedRanks | null) => void = () => {};
  if (init.sharedRanks)
    provideEncoding(init.cfg.encoding, new Promise<SharedRanks | null>((resolve) => (gotRanks = resolve)));
  // Batches are processed one after the other: the pool sends the next before this one is
  // answered, and one FileProcessor must not interleave two files at its awaits.
  let queue = Promise.resolve();
  const run = async (msg: BatchRequest) => {
    try {
      const outcomes = [];
      for (const p of msg.paths) outcomes.push(await proc.process(msg.root, p));
      const batch = toWire(outcomes);
      proc.recycle(undefined); // toWire copied the bytes out of the chunks read into
      const buf = batch.bytes.buffer as ArrayBuffer;
      port.postMessage({ id: msg.id, outcomes: batch.outcomes, bytes: buf, entries: proc.takeEntries() }, [
        buf,
      ]);
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error)?.stack ?? String(err) });
    }
  };
  port.on('message', (msg: BatchRequest | RanksMessage) => {
    if ('ranks' in msg) return gotRanks(msg.ranks);
    queue = queue.then(() => run(msg));
  });
}
