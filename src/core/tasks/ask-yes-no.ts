import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Sink } from '../context.js';
import { InterruptedError } from '../errors.js';

/**
 * Ask a yes/no question: the question on `out` (stderr), one line read from `input`.
 * Anything but y/yes — including end of input — is a no. The CLI calls this only on a TTY.
 * The terminal stays in cooked mode, so Ctrl-C aborts `signal` rather than reaching us as a
 * line: the question then ends with InterruptedError instead of waiting on for an answer.
 */
export function askYesNo(
  input: Readable,
  out: Sink,
  question: string,
  signal?: AbortSignal,
): Promise<boolean> {
  out.write(`${question} [y/N] `);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      out.write('\n');
      return reject(new InterruptedError());
    }
    const rl = createInterface({ input, terminal: false });
    let answered = false;
    const onAbort = () => {
      answered = true;
      rl.close();
      out.write('\n');
      reject(new InterruptedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(line));
    });
    rl.once('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (!answered) {
        out.write('\n');
        resolve(false);
      }
    });
  });
}
