import type { Sink } from '../core/context.js';
import { canAnimate, columnsOf, fitToWidth } from './terminal.js';

export interface Progress {
  start(text: string): void;
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  /** Clear the live line without a final message. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Without a live line, an update is printed at most this often (a log line, not a counter). */
export const PLAIN_UPDATE_MS = 10_000;

/**
 * A stderr sink with one live status line at the bottom. The line is cut to the terminal
 * width (so it never wraps and leaves copies behind) and redrawn in place; anything else
 * written to the sink (warnings, notices) clears it first and lands on its own lines
 * above it. buildContext wraps ctx.stderr in one, so ctx.log.warn and progress cooperate.
 */
export function calmSink(
  raw: Sink,
  opts: { env?: Record<string, string | undefined>; intervalMs?: number } = {},
): Sink {
  const animate = raw.isTTY && raw.animate !== false && opts.env?.TERM !== 'dumb';
  let text: string | undefined;
  let shown = false;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  let redrawQuestion: (() => void) | undefined;
  const draw = () => {
    // No status line over an open question (see above()).
    if (text === undefined || redrawQuestion) return;
    // One cell short of the width: a line that fills the last column wraps on some terminals.
    const body = fitToWidth(text, columnsOf(sink) - 3);
    raw.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${body}`);
    shown = true;
  };
  const sink: Sink = {
    isTTY: raw.isTTY,
    animate,
    get columns() {
      return raw.columns;
    },
    above(redraw) {
      redrawQuestion = redraw;
      return () => {
        if (redrawQuestion === redraw) redrawQuestion = undefined;
      };
    },
    write(t) {
      if (redrawQuestion && raw.isTTY) {
        // A question is open on the last line: this text goes above it, the question comes back.
        raw.write(`\r\x1b[2K${t.endsWith('\n') ? t : `${t}\n`}`);
        redrawQuestion();
        return;
      }
      if (shown) raw.write('\r\x1b[2K');
      shown = false;
      raw.write(t);
      // After a partial line (a prompt, a streamed answer) the status waits for the next status() call.
      if (t.endsWith('\n')) draw();
      else if (timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    status(next) {
      if (!animate) return;
      text = next;
      if (next === undefined) {
        if (timer) clearInterval(timer);
        timer = undefined;
        if (shown) raw.write('\r\x1b[2K');
        shown = false;
        return;
      }
      draw();
      if (!timer) {
        timer = setInterval(draw, opts.intervalMs ?? 80);
        timer.unref();
      }
    },
  };
  return sink;
}

/**
 * Progress on stderr: a live line on a terminal that can redraw (see calmSink); otherwise
 * (a pipe, CI, TERM=dumb) plain lines — the start, an update at most every 10 s, the end —
 * so a log never fills with counters. Always pass ctx.stderr, never stdout.
 */
export function createProgress(
  target: Sink,
  opts: { intervalMs?: number; now?: () => number; plainEveryMs?: number } = {},
): Progress {
  const sink = target.status ? target : calmSink(target, { intervalMs: opts.intervalMs });
  const live = canAnimate(sink);
  const now = opts.now ?? Date.now;
  const every = opts.plainEveryMs ?? PLAIN_UPDATE_MS;
  let printed = 0;
  let last = '';
  const plain = (t: string) => {
    if (t === last) return;
    last = t;
    printed = now();
    sink.write(`${t}\n`);
  };
  return {
    start(t) {
      if (live) sink.status?.(t);
      else plain(t);
    },
    update(t) {
      if (live) sink.status?.(t);
      else if (now() - printed >= every) plain(t);
    },
    succeed(t) {
      sink.status?.(undefined);
      last = '';
      sink.write(`${live ? '✔ ' : ''}${t}\n`);
    },
    fail(t) {
      sink.status?.(undefined);
      last = '';
      sink.write(`${live ? '✖ ' : ''}${t}\n`);
    },
    stop() {
      sink.status?.(undefined);
    },
  };
}
