import { basename, relative } from 'node:path';
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { formatCount, formatUsd } from '../util/format.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { listOption, positiveInt } from './option-parsers.js';

interface TaskFlags {
  input?: string;
  stdout?: boolean;
  output?: string;
  force?: boolean;
  yes?: boolean;
  model?: string;
  param?: string[];
  include?: string[];
  ignore?: string[];
  tokenBudget?: number;
  contextWindow?: number;
  json?: boolean;
}

/** `-p K V` pairs (or `-p K=V`) into a record. */
function parseParams(tokens: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const eq = t.indexOf('=');
    if (eq > 0) out[t.slice(0, eq)] = t.slice(eq + 1);
    else if (i + 1 < tokens.length) out[t] = tokens[++i]!;
    else throw new UsageError(`-p ${t} has no value`, { hint: 'write -p NAME VALUE (or -p NAME=VALUE)' });
  }
  return out;
}

async function listTasks(ctx: Context, json: boolean): Promise<void> {
  const { listTasks: list, taskOutputPath } = await import('../core/tasks/index.js');
  const tasks = list(ctx);
  if (json) return void printJson(ctx.stdout, tasks);
  const taskOutput = (t: (typeof tasks)[number]) => {
    const out = taskOutputPath(ctx, t);
    return out && relative(ctx.cwd, out.path);
  };
  const where = (o: string) => (o === 'built-in' || o === 'config' ? o : relative(ctx.cwd, o) || o);
  const rows = tasks.map((t) => [
    t.name,
    taskOutput(t) ?? 'stdout',
    `${where(t.origin)}${t.overrides ? ` (overrides ${t.overrides})` : ''}`,
    t.description ?? `template ${t.template}`,
  ]);
  const head = ['TASK', 'OUTPUT', 'DEFINED IN', 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows])
    ctx.stdout.write(`${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}\n`);
}

export function register(program: Command, app: App): void {
  program
    .command('task')
    .description('run a named pipeline: pack → template → model → output file (`task list` shows them)')
    .argument('[name]', 'task to run, or "list"')
    .option('--input <file>', 'use this packed file ("-" = stdin) instead of packing the repository')
    .option('--stdout', 'print the answer instead of writing the output file')
    .option('-o, --output <file>', 'write to this file instead of the task’s output ("-" = stdout)')
    .option('--force', 'overwrite the output file if it exists')
    .option('-y, --yes', 'do not ask before an expensive call (needed when not on a terminal)')
    .option(
      '-m, --model <provider:model>',
      'model to use (default: the task’s, else the template’s, else config)',
    )
    .option('-p, --param <name value...>', 'template variable (repeatable; "@file" reads a file)')
    .option('--include <globs>', 'pack only these paths (comma-separated, repeatable)', listOption)
    .option('--ignore <globs>', 'leave these paths out of the pack (comma-separated, repeatable)', listOption)
    .option(
      '--token-budget <n>',
      'pack at most this many tokens (least important files dropped)',
      positiveInt,
    )
    .option(
      '--context-window <n>',
      'the model’s context window in tokens, if not in the built-in table',
      positiveInt,
    )
    .option('--json', 'with `list`: machine-readable output')
    .addHelpText(
      'after',
      `
Built-in tasks: code-review → code-review.md, github-issues → issues.md,
issue-prompts → issue-prompts.md, missing-tests → missing-tests.md, readme → README.md.
They are drafts: written to .specloop/out/ ([task] outputDir), which git ignores, so
they never reach a commit. -o FILE writes where you say. Define or redefine tasks with
[tasks.NAME] in specloop.toml (see docs/tasks.md).

Examples:
  specloop task list
  specloop task code-review --include 'src/**'
  specloop task github-issues && specloop issues post --dry-run
  specloop pack && specloop task readme --input output.txt -o README.md --force
  specloop task code-review --stdout -m anthropic:claude-sonnet-4-5 | less`,
    )
    .action(
      app.action('task', async (ctx, name: string | undefined, flags: TaskFlags) => {
        if (!name || name === 'list') return listTasks(ctx, Boolean(flags.json));
        const { runTask, askYesNo, describeEstimate } = await import('../core/tasks/index.js');
        const interactive = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY);
        const result = await runTask(ctx, {
          name,
          input: flags.input,
          output: flags.output,
          stdout: flags.stdout,
          force: flags.force,
          yes: flags.yes,
          model: flags.model,
          params: parseParams(flags.param),
          pack: {
            ...(flags.include ? { include: flags.include } : {}),
            ...(flags.ignore ? { ignore: flags.ignore } : {}),
            ...(flags.tokenBudget ? { tokenBudget: flags.tokenBudget } : {}),
          },
          contextWindow: flags.contextWindow,
          confirm: interactive
            ? (est) =>
                askYesNo(
                  ctx.stdin,
                  ctx.stderr,
                  `This call is estimated at ${describeEstimate(est)}. Go ahead?`,
                  ctx.signal,
                )
            : undefined,
        });
        const cost = result.cost === null ? '' : `, ${formatUsd(result.cost)}`;
        const usage = `${formatCount(result.usage.inputTokens)} tokens in, ${formatCount(result.usage.outputTokens)} out${cost}`;
        const written = result.outputPath && relative(ctx.cwd, result.outputPath);
        const where = written
          ? `wrote ${written}${result.draft ? ' (a draft: git ignores it)' : ''}`
          : 'done';
        ctx.stderr.write(`${result.task.name}: ${where} (${result.model}, ${usage})\n`);
        if (written && result.task.next)
          ctx.stderr.write(
            `next: ${result.task.next.replaceAll('{output}', written).replaceAll('{name}', basename(written))}\n`,
          );
      }),
    );
}
