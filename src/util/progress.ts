import type { Sink } from '../core/context.js';

export interface Progress {
  start(text: string): void;
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  /** Clear the live line without a final message. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner on a TTY, plain lines otherwise (so logs and CI stay readable).
 * Always writes to the given sink — pass ctx.stderr, never stdout.
 */
export function createProgress(sink: Sink, opts: { intervalMs?: number } = {}): Progress {
  let text = '';
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const live = sink.isTTY;
  const draw = () => sink.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live) sink.write('\r\x1b[2K');
  };
  return {
    start(t) {
      text = t;
      if (!live) return sink.write(`${t}\n`);
      clear();
      draw();
      timer = setInterval(draw, opts.intervalMs ?? 80);
      timer.unref();
    },
    update(t) {
      text = t;
      if (!live) sink.write(`${t}\n`);
    },
    succeed(t) {
      clear();
      sink.write(`${live ? '✔ ' : ''}${t}\n`);
    },
    fail(t) {
      clear();
      sink.write(`${live ? '✖ ' : ''}${t}\n`);
    },
    stop: clear,
  };
}
