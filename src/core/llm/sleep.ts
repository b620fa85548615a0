import { InterruptedError } from '../errors.js';

/**
 * Sleep that Ctrl-C interrupts: rejects with InterruptedError as soon as `signal` aborts.
 * Shared by the LLM retries and the GitHub rate-limit pauses.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
