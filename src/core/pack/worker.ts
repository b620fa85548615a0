/**
 * Worker-thread entry (bundled as dist/pack-worker.js): processes batches of files with
 * the same FileProcessor the main thread uses as a fallback.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FileProcessor, type ProcessConfig } from './process-file.js';
import { toWire } from './wire.js';

export interface BatchRequest {
  id: number;
  root: string;
  paths: string[];
}

if (parentPort) {
  const port = parentPort;
  const proc = new FileProcessor(workerData as ProcessConfig);
  port.on('message', async (msg: BatchRequest) => {
    try {
      const outcomes = [];
      for (const p of msg.paths) outcomes.push(await proc.process(msg.root, p));
      const batch = toWire(outcomes);
      const buf = batch.bytes.buffer as ArrayBuffer;
      port.postMessage({ id: msg.id, outcomes: batch.outcomes, bytes: buf, entries: proc.takeEntries() }, [
        buf,
      ]);
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error)?.stack ?? String(err) });
    }
  });
}
