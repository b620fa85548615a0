import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Sink } from '../context.js';

/**
 * Ask a yes/no question: the question on `out` (stderr), one line read from `input`.
 * Anything but y/yes — including end of input — is a no. The CLI calls this only on a TTY.
 */
export function askYesNo(input: Readable, out: Sink, question: string): Promise<boolean> {
  out.write(`${question} [y/N] `);
  return new Promise((resolve) => {
    const rl = createInterface({ input, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(/^\s*y(es)?\s*$/i.test(line));
    });
    rl.once('close', () => {
      if (!answered) {
        out.write('\n');
        resolve(false);
      }
    });
  });
}
