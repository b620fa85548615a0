import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AnswerSource, Reply } from './types.js';

const COMMANDS = new Set(['done', 'back', 'skip', 'show', 'help']);

/** `/done`, `/back`, … typed alone; anything else (even `/usr/bin is fine`) is an answer. */
export function parseReply(text: string): Reply {
  const t = text.trim();
  const m = /^\/([a-z]+)$/.exec(t);
  if (m && COMMANDS.has(m[1]!))
    return { kind: 'command', name: m[1] as Extract<Reply, { kind: 'command' }>['name'] };
  return { kind: 'answer', text: t };
}

/**
 * Answers for scripts: one answer per paragraph (blank lines separate answers), read
 * lazily so a co-process can feed answers as questions arrive. End of input = /done.
 */
export function paragraphAnswers(lines: AsyncIterable<string> | Iterable<string>): AnswerSource {
  const it =
    Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : toAsync(lines as Iterable<string>);
  let ended = false;
  return {
    async next() {
      const para: string[] = [];
      while (!ended) {
        const { value, done } = await it.next();
        if (done) {
          ended = true;
          break;
        }
        const line = String(value).replace(/\r$/, '');
        if (line.trim() === '') {
          if (para.length > 0) break;
          continue;
        }
        para.push(line);
      }
      return para.length === 0 ? { kind: 'eof' } : parseReply(para.join('\n'));
    },
    close() {
      void it.return?.();
    },
  };
}

async function* toAsync(lines: Iterable<string>): AsyncGenerator<string> {
  yield* lines;
}

/** Answers from the text of an `--answers` file. */
export function fileAnswers(text: string): AnswerSource {
  return paragraphAnswers(text.split('\n'));
}

/** Answers from a non-TTY stdin (a pipe or a file), read line by line as they arrive. */
export function streamAnswers(input: Readable): AnswerSource {
  return paragraphAnswers(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }));
}
