import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';
import { projectFile } from './project-paths.js';

interface IdeaFlags {
  file?: string;
  model?: string;
  answers?: string;
  resume?: string | true;
  maxQuestions: number;
  output?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command, app: App): void {
  program
    .command('idea')
    .description('brainstorm an idea one question at a time, then compile spec.md')
    .argument('[idea...]', 'the idea, in a few words or sentences')
    .option('--file <file>', 'read the idea from a file')
    .option('-m, --model <model>', 'provider:model (default: models.brainstorm, then models.default)')
    .option('--answers <file>', 'answer from a file instead of the terminal: one answer per paragraph')
    .option('--resume [id]', 'continue the newest unfinished session (or the one with this id)')
    .option('--max-questions <n>', 'stop asking after this many answers', positiveInt, 30)
    .option('-o, --output <file>', 'where to write the spec (default: spec.md at the project root)')
    .option('-f, --force', 'replace an existing spec instead of writing spec.<n>.md')
    .option('--json', 'when done, print {id, transcript, spec, numbered, answered, reason} on stdout')
    .addHelpText(
      'after',
      `
The model asks one question at a time, each building on your answers, until it has
enough for a developer-ready spec (or you type /done). Then it writes spec.md.
In the session: an empty line sends your answer; /done /back /skip /show /help.
Every turn is saved to .specloop/brainstorm/<id>.jsonl: after Ctrl-C, a closed
terminal or a crash, \`specloop idea --resume\` continues exactly where it stopped.
Without a terminal (a pipe, CI), questions go to stderr and answers are read from
--answers FILE or stdin, one per paragraph; when they run out, the spec is compiled.

Examples:
  specloop idea "a CLI that turns bank CSV exports into a monthly budget report"
  specloop idea --file idea.md -m anthropic:claude-sonnet-4-5
  specloop idea "a todo app" --answers answers.txt -o docs/spec.md
  specloop idea --resume
  specloop idea --file idea.md --answers answers.txt --json | jq -r .spec`,
    )
    .action(
      app.action('idea', async (ctx, words: string[], flags: IdeaFlags) => {
        const bs = await import('../core/brainstorm/index.js');
        const idea = await ideaText(ctx, words, flags);
        if (idea && flags.resume !== undefined)
          throw new UsageError('give either a new idea or --resume, not both', {
            hint: 'specloop idea --resume continues the newest unfinished session',
          });
        const interactive = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY && !flags.answers);
        const input = flags.answers
          ? bs.fileAnswers(await readInput(ctx, flags.answers, '--answers'))
          : interactive
            ? // The terminal itself (readline needs the real stream for cursor control).
              bs.ttyAnswers({ input: ctx.stdin, output: process.stderr })
            : bs.streamAnswers(ctx.stdin);
        const color = ctx.stderr.isTTY && !ctx.env.NO_COLOR && ctx.env.TERM !== 'dumb';
        const render = bs.brainstormRenderer(ctx.stderr, { interactive, color });
        const result = await bs
          .runBrainstorm(ctx, {
            idea,
            resume: flags.resume,
            model: flags.model,
            maxQuestions: flags.maxQuestions,
            // Absolute, so a resumed session writes the same file from any directory.
            output: flags.output === undefined ? undefined : projectFile(ctx, flags.output, 'spec.md'),
            force: Boolean(flags.force),
            input,
            onEvent: render,
          })
          .finally(() => render.stop());
        const spec = relative(ctx.cwd, result.specPath);
        const plan =
          result.specPath === projectFile(ctx, undefined, 'spec.md')
            ? 'specloop plan'
            : `specloop plan --spec ${/^[\w./-]+$/.test(spec) ? spec : `'${spec}'`}`;
        ctx.stderr.write(`next: review ${spec}, then \`${plan}\`\n`);
        if (flags.json)
          printJson(ctx.stdout, {
            id: result.id,
            transcript: relative(ctx.cwd, result.transcript),
            spec,
            numbered: result.numbered,
            answered: result.answered,
            reason: result.reason,
          });
        return 0;
      }),
    );
}

async function ideaText(ctx: Context, words: string[], flags: IdeaFlags): Promise<string | undefined> {
  if (flags.file && words.length > 0)
    throw new UsageError('give the idea as an argument or with --file, not both');
  if (flags.file) {
    const text = (await readInput(ctx, flags.file, '--file')).trim();
    if (!text)
      throw new UsageError(`${flags.file} is empty`, { hint: 'write the idea in it, a few sentences' });
    return text;
  }
  const joined = words.join(' ').trim();
  return joined || undefined;
}

async function readInput(ctx: Context, file: string, flag: string): Promise<string> {
  const path = resolve(ctx.cwd, file);
  if (!existsSync(path)) throw new UsageError(`${flag}: ${file} not found`);
  return readFile(path, 'utf8');
}
