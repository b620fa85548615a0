import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Context } from '../core/context.js';
import type { ReviewDecision, Reviewer, ReviewSummary } from '../core/review/index.js';

const CHOICES = '[a]ccept  [d]iff  [r]eject with a comment  [s]kip  [q] stop';

/**
 * The review gate's person: questions on the terminal (stderr), the full diff in $PAGER.
 * `signal` withdraws the question (the board answered first): the prompt closes at once.
 */
export function terminalReviewer(ctx: Context): Reviewer {
  return async (s, { signal }) => {
    // The run's live status line must not draw over the question.
    ctx.stderr.status?.(undefined);
    ctx.stderr.write(renderSummary(s));
    for (;;) {
      const answer = (await ask(ctx, `${CHOICES} › `, signal)).trim().toLowerCase();
      if (signal.aborted) return { action: 'stop' }; // ignored: the question is moot
      const d = await decide(ctx, answer, s, signal);
      if (d) return d;
    }
  };
}

async function decide(
  ctx: Context,
  answer: string,
  s: ReviewSummary,
  signal: AbortSignal,
): Promise<ReviewDecision | undefined> {
  switch (answer[0]) {
    case 'a':
      return { action: 'accept' };
    case 'd':
      await page(ctx, s.diff);
      return undefined;
    case 'r': {
      const comment = await ask(ctx, 'what should change? (one line, Enter sends) › ', signal);
      return { action: 'reject', comment };
    }
    case 's':
      return { action: 'skip' };
    case 'q':
      return { action: 'stop' };
    default:
      ctx.stderr.write(`please answer a, d, r, s or q\n`);
      return undefined;
  }
}

export function renderSummary(s: ReviewSummary): string {
  const t = s.test;
  const tests = t
    ? `tests ${t.ok ? 'passed' : 'failed'}: ${t.command} (${(t.durationMs / 1000).toFixed(1)}s)`
    : 'tests: not run';
  return `\nreview step ${s.step}: ${s.title} (attempt ${s.attempt})\n${s.stat || '(no diff)'}\n${tests}\n`;
}

function ask(ctx: Context, prompt: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('');
    const rl = createInterface({ input: ctx.stdin, output: process.stderr, terminal: true, historySize: 0 });
    let done = false;
    // Notes of steps running beside this one (--parallel) are written above the question.
    let release = () => {};
    const finish = (v: string) => {
      if (done) return;
      done = true;
      release();
      rl.close();
      resolve(v);
    };
    rl.question(prompt, finish);
    release = ctx.stderr.above?.(() => rl.prompt(true)) ?? release;
    signal.addEventListener('abort', () => finish(''), { once: true });
    // Ctrl-C or Ctrl-D at the question: stop, the safe choice.
    rl.on('SIGINT', () => finish('q'));
    rl.on('close', () => finish('q'));
  });
}

/** Show the diff in $PAGER (default `less -R`), or on stderr when no pager can start. */
function page(ctx: Context, diff: string): Promise<void> {
  const pager = ctx.env.PAGER || 'less -R';
  return new Promise((resolve) => {
    const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: ctx.env });
    child.on('error', () => {
      ctx.stderr.write(diff);
      resolve();
    });
    child.on('close', () => resolve());
    child.stdin.on('error', () => {});
    child.stdin.end(diff);
  });
}
