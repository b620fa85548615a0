import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { packageRoot } from '../util/paths.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface BoardFlags {
  port?: string;
  host: string;
  open?: boolean;
  from?: string;
  json?: boolean;
}

function portArg(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`"${raw}" is not a port`, { hint: 'a number 1..65535, or 0 for any free port' });
  return n;
}

export function register(program: Command, app: App): void {
  program
    .command('board')
    .description('the plan as a live web board: steps, claims, attempts, diffs, costs (team or solo)')
    .option('--port <n>', 'port to listen on (default: config board.port, 4177; 0: any free port)')
    .option('--host <host>', 'address to bind; anything but loopback requires the printed token', '127.0.0.1')
    .option('--open', 'open the board in the default browser')
    .option('--from <file>', 'a plan file in prompt_plan format other than prompt_plan.md')
    .option('--json', 'print {url, host, port, token} as JSON once listening')
    .addHelpText(
      'after',
      `
The board reads what the CLI reads — prompt_plan.md, todo.md, the step commits, the run
journal and run records in .specloop/, the team's claim refs on the remote, the call log —
and updates every open page live. Buttons run the CLI's own code: claim / release a step,
retry a failed step, undo a landed one (--team on a team board), answer the review gate,
pause / resume the run in this repository. Stop it with Ctrl-C.

Bound to 127.0.0.1 by default. With any other --host, every request needs the random
token in the printed URL; actions always need it.

Examples:
  specloop board --open
  specloop board --port 0 --json
  specloop board --host 0.0.0.0        share on the LAN (token in the URL)`,
    )
    .action(
      app.action('board', async (ctx, flags: BoardFlags) => {
        const { startBoard } = await import('../core/board/index.js');
        const board = await startBoard(ctx, {
          host: flags.host,
          port: portArg(flags.port, ctx.config.board.port),
          fetchIntervalSec: ctx.config.board.fetchIntervalSec,
          from: flags.from,
          cli: { command: process.execPath, args: [join(packageRoot(), 'bin', 'specloop.js')] },
        });
        if (flags.json)
          printJson(ctx.stdout, { url: board.url, host: board.host, port: board.port, token: board.token });
        else ctx.stdout.write(`${board.url}\n`);
        ctx.stderr.write('specloop board: serving; Ctrl-C to stop\n');
        if (flags.open) {
          const { openUrl } = await import('../util/open-url.js');
          if (!(await openUrl(board.url, ctx.env)))
            ctx.stderr.write('could not open a browser: open the URL above\n');
        }
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await board.close();
        return 0;
      }),
    );
}
