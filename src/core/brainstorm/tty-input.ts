import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InterruptedError } from '../errors.js';
import { parseReply } from './answers.js';
import type { AnswerSource, Reply } from './types.js';

/**
 * Multi-line answers in a terminal: type freely, Enter starts a new line, an empty line
 * sends. A readline interface lives only while we wait for input, so during model calls
 * the terminal is back in cooked mode and Ctrl-C reaches the process as a real SIGINT.
 * Ctrl-C while typing rejects with InterruptedError; Ctrl-D on an empty answer is /done.
 */
const PASTE_ON = '\x1b[?2004h';
const PASTE_OFF = '\x1b[?2004l';

export function ttyAnswers(io: { input: Readable; output: Writable; prompt?: string }): AnswerSource {
  const first = io.prompt ?? '› ';
  const more = ' '.repeat([...first].length);
  let open: Interface | undefined;

  const read = (prompt: string, multiLine: boolean): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const rl = createInterface({ input: io.input, output: io.output, terminal: true, historySize: 0 });
      open = rl;
      const lines: string[] = [];
      let settled = false;
      // Bracketed paste: the terminal marks pasted text, so a pasted answer with blank lines
      // between its paragraphs stays one answer instead of being sent at its first blank line.
      let pasting = false;
      const onKey = (_: unknown, key?: { name?: string }) => {
        if (key?.name === 'paste-start') pasting = true;
        else if (key?.name === 'paste-end') pasting = false;
      };
      if (multiLine) {
        io.output.write(PASTE_ON);
        io.input.on('keypress', onKey);
      }
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        open = undefined;
        if (multiLine) {
          io.input.off('keypress', onKey);
          io.output.write(PASTE_OFF);
        }
        rl.close();
        fn();
      };
      rl.on('line', (line) => {
        if (!multiLine) return finish(() => resolve(line));
        if (pasting) {
          lines.push(line);
          rl.setPrompt(more);
          return;
        }
        if (line.trim() === '') {
          if (lines.length > 0) return finish(() => resolve(lines.join('\n').replace(/\n+$/, '')));
        } else {
          lines.push(line);
          // A command alone on the first line needs no extra Enter.
          if (lines.length === 1 && parseReply(line).kind === 'command') return finish(() => resolve(line));
        }
        rl.setPrompt(lines.length > 0 ? more : prompt);
        rl.prompt();
      });
      rl.on('SIGINT', () => {
        io.output.write('\n');
        finish(() => reject(new InterruptedError()));
      });
      rl.on('close', () =>
        finish(() => resolve(lines.length > 0 ? lines.join('\n').replace(/\n+$/, '') : undefined)),
      );
      rl.setPrompt(prompt);
      rl.prompt();
    });

  return {
    async next(): Promise<Reply> {
      const text = await read(first, true);
      return text === undefined ? { kind: 'eof' } : parseReply(text);
    },
    async confirm(question) {
      const text = await read(`${question} [y/N] `, false);
      return /^y(es)?$/i.test((text ?? '').trim());
    },
    async askIdea() {
      io.output.write('What do you want to build? Describe the idea (empty line to send):\n');
      return read(first, true);
    },
    close() {
      open?.close();
    },
  };
}
