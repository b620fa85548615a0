import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { CallRow } from '../core/logs/index.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';

interface LogsFlags {
  count: number;
  json?: boolean;
  full?: boolean;
  off?: boolean;
  on?: boolean;
  path?: boolean;
}

const oneLine = (s: string, max: number) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function render(r: CallRow, full: boolean): string {
  const tokens = r.inputTokens !== undefined ? `${r.inputTokens} in / ${r.outputTokens ?? 0} out` : '';
  const cost = r.cost === null || r.cost === undefined ? '' : `$${r.cost.toFixed(6)}`;
  const head = [
    `#${r.id}`,
    r.time,
    r.model,
    r.command,
    r.role,
    tokens,
    cost,
    `${(r.durationMs / 1000).toFixed(1)}s`,
  ]
    .filter(Boolean)
    .join('  ');
  const body = full
    ? [`--- prompt\n${r.prompt}`, r.response !== undefined ? `--- response\n${r.response}` : '']
    : [
        `  prompt:   ${oneLine(r.prompt, 100)}`,
        r.response !== undefined ? `  response: ${oneLine(r.response, 100)}` : '',
      ];
  if (r.error) body.push(`  error:    ${full ? r.error : oneLine(r.error, 200)}`);
  return [head, ...body.filter(Boolean)].join('\n');
}

export function register(program: Command, app: App): void {
  program
    .command('logs')
    .description('show the model call log (SQLite)')
    .option('-n, --count <n>', 'how many calls, newest first', positiveInt, 3)
    .option('--json', 'print the rows as JSON')
    .option('--full', 'print whole prompts and responses')
    .option('--off', 'stop logging model calls (persists)')
    .option('--on', 'log model calls again')
    .option('--path', 'print the database path')
    .addHelpText(
      'after',
      `
Every model call (failed ones too) is a row: time, command, role, model, prompt, response,
input/output tokens, cost (USD), duration, error. The database is $SPECLOOP_HOME/logs.db
unless llm.logPath says otherwise; query it with sqlite3 for anything else.
Examples:
  specloop logs -n 1 --json
  specloop logs --full -n 5
  sqlite3 "$(specloop logs --path)" 'select model, sum(cost) from calls group by model'`,
    )
    .action(
      app.action('logs', async (ctx, flags: LogsFlags) => {
        const logs = await import('../core/logs/index.js');
        if (flags.on && flags.off) throw new UsageError('--on and --off exclude each other');
        if (flags.path) {
          ctx.stdout.write(`${logs.callLogPath(ctx)}\n`);
          return 0;
        }
        if (flags.on || flags.off) {
          await logs.setLogging(ctx, Boolean(flags.on));
          const overridden =
            flags.on && !ctx.config.llm.log ? ' (but config llm.log = false still disables it)' : '';
          ctx.stderr.write(`model call logging is ${flags.on ? 'on' : 'off'}${overridden}\n`);
          return 0;
        }
        const rows = await logs.readCalls(ctx, { limit: flags.count });
        if (flags.json) {
          printJson(ctx.stdout, rows);
          return 0;
        }
        if (!logs.loggingEnabled(ctx)) ctx.stderr.write('note: logging is off (`specloop logs --on`)\n');
        if (!rows.length) ctx.stderr.write(`no calls logged yet in ${logs.callLogPath(ctx)}\n`);
        ctx.stdout.write(rows.map((r) => `${render(r, Boolean(flags.full))}\n`).join('\n'));
        return 0;
      }),
    );
}
