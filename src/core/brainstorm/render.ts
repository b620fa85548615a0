import { createColors } from 'picocolors';
import { createProgress } from '../../util/progress.js';
import { columnsOf, createWordWrap } from '../../util/terminal.js';
import type { Sink } from '../context.js';
import type { BrainstormEvent } from './types.js';

export const HELP_TEXT = `commands (type alone, then Enter):
  /done   stop the questions and write the spec now
  /back   go back and answer the previous question again
  /skip   skip this question (the model picks a sensible default)
  /show   show the questions and answers so far
  /help   this list
an empty line sends your answer; Ctrl-C saves and quits (resume with --resume)`;

const REASONS = {
  model: 'the model has what it needs',
  user: 'you stopped the questions',
  max: 'reached --max-questions',
  'input-ended': 'no more answers in the input',
} as const;

/**
 * Event → terminal text, all on stderr (stdout stays for results). In a terminal the
 * question streams in after a coloured `Q3` counter; in scripts answers are echoed so
 * the log reads as a transcript.
 */
export function brainstormRenderer(
  sink: Sink,
  opts: { interactive: boolean; color: boolean },
): ((e: BrainstormEvent) => void) & { stop(): void } {
  const c = createColors(opts.color);
  const progress = createProgress(sink);
  let specChars = 0;
  let firstQuestion = true;
  // In a terminal the `Q3` counter shows at once (the model is thinking) and is wiped if
  // the model ends the interview instead of asking; in logs it waits for the first words.
  let labelDue: number | undefined;
  let labelOpen = false;
  let wrap: ReturnType<typeof createWordWrap> | undefined;
  const label = (n: number) => c.bold(c.cyan(`Q${n}`));
  // Questions wrap at word boundaries to the terminal's width (read per question: resizes).
  const startWrap = (n: number) => {
    const lead = `Q${n} `.length;
    const columns = sink.isTTY ? columnsOf(sink) - 1 : Number.POSITIVE_INFINITY;
    wrap = createWordWrap({ columns, column: lead, indent: lead });
    return `${label(n)} `;
  };
  const render = (e: BrainstormEvent) => {
    switch (e.type) {
      case 'session':
        sink.write(
          `${c.dim('specloop idea')} · session ${e.id}${e.resumed ? ` (resumed, ${e.answered} answered)` : ''} · /help for commands\n` +
            c.dim(`transcript: ${e.path}\n`),
        );
        return;
      case 'asking':
        // In a terminal the empty line that sent the answer already separates the turns; a
        // quiet "thinking…" after the counter says the model is at work, and goes with the first word.
        if (opts.interactive) {
          sink.write(`${label(e.n)} ${c.dim('thinking…')}`);
          labelOpen = true;
        } else labelDue = e.n;
        return;
      case 'question-delta':
        if (labelOpen) sink.write(`\r\x1b[2K${startWrap(e.n)}`);
        else if (labelDue !== undefined) sink.write(`\n${startWrap(labelDue)}`);
        else if (!wrap) startWrap(e.n);
        labelDue = undefined;
        labelOpen = false;
        sink.write(wrap!.push(e.delta));
        return;
      case 'question': {
        const whole = (n: number) => {
          const head = startWrap(n);
          return `${head}${wrap!.push(e.text)}${wrap!.end()}`;
        };
        if (e.repeated) sink.write(`\n${whole(e.n)}\n`);
        else if (labelDue !== undefined) sink.write(`\n${whole(e.n)}\n`);
        else if (labelOpen) sink.write(`\r\x1b[2K${whole(e.n)}\n`);
        else sink.write(`${wrap?.end() ?? ''}\n`);
        wrap = undefined;
        labelDue = undefined;
        labelOpen = false;
        if (opts.interactive && firstQuestion) sink.write(c.dim('(empty line sends · /help)\n'));
        firstQuestion = false;
        return;
      }
      case 'answer':
        if (!opts.interactive) sink.write(`${e.text.replace(/^/gm, '› ')}\n`);
        return;
      case 'notice':
        sink.write(`${c.yellow(e.text)}\n`);
        return;
      case 'show':
        sink.write(`\n${c.bold('so far:')}\n`);
        for (const t of e.turns) {
          const a = t.answer === undefined ? c.dim('(waiting)') : t.skipped ? c.dim('(skipped)') : t.answer;
          sink.write(`${label(t.n)} ${t.question}\n${a.replace(/^/gm, '  → ')}\n`);
        }
        return;
      case 'help':
        sink.write(`\n${HELP_TEXT}\n`);
        return;
      case 'done':
        if (labelOpen) sink.write('\r\x1b[2K'); // the counter (and thinking…) of a question that never came
        labelOpen = false;
        sink.write(
          `\n${c.green('✔')} questions done after ${e.answered} answer${e.answered === 1 ? '' : 's'}: ${REASONS[e.reason]}\n`,
        );
        return;
      case 'compiling':
        specChars = 0;
        progress.start('compiling the spec…');
        return;
      case 'spec-delta':
        specChars += e.delta.length;
        if (sink.isTTY) progress.update(`compiling the spec… ${specChars} chars`);
        return;
      case 'compiled':
        progress.succeed(`spec compiled (${e.chars} chars)`);
        return;
      case 'spec-written':
        sink.write(
          e.numbered
            ? `${c.yellow('the target already exists')}, so the spec went to ${c.bold(e.path)} (--force replaces it)\n`
            : `wrote ${c.bold(e.path)}\n`,
        );
        return;
    }
  };
  return Object.assign(render, { stop: () => progress.stop() });
}
