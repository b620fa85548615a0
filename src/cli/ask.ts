import type { Command } from 'commander';
import { readAll } from '../util/read-all.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface AskFlags {
  template?: string;
  model?: string;
  system?: string;
  param?: string[];
  stream: boolean;
  json?: boolean;
  yes?: boolean;
}

/**
 * `-p NAME VALUE` is variadic in commander, so repeated flags arrive as one flat list
 * (and may swallow a PROMPT written after them): pair them up, and an odd value out is the prompt.
 */
function pairParams(values: string[] = []): { params: Record<string, string>; extra?: string } {
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < values.length; i += 2) params[values[i]!] = values[i + 1]!;
  return { params, extra: values.length % 2 ? values[values.length - 1] : undefined };
}

export function register(program: Command, app: App): void {
  program
    .command('ask')
    .description('send stdin and/or a prompt through a template to a model; the answer goes to stdout')
    .argument('[prompt...]', 'the question (joined with stdin when both are given)')
    .option('-t, --template <name>', 'prompt template (see `specloop templates list`); stdin fills {{input}}')
    .option('-m, --model <provider:model>', 'model to use (beats the template and config)')
    .option('-s, --system <text>', 'system prompt (beats the template’s)')
    .option('-p, --param <name value...>', 'template variable, repeatable: -p lang French -p tone dry')
    .option('--no-stream', 'wait for the whole answer instead of streaming it')
    .option('--json', 'print {text, model, usage, cost} as JSON instead of the text')
    .option('-y, --yes', 'send even when the estimated cost is above confirmCostOver')
    .addHelpText(
      'after',
      `
Only the answer goes to stdout, so pipes work. Progress and retries go to stderr.
Model: -m > the template's model/role > models.default (SPECLOOP_MODEL).
Examples:
  specloop ask "what does EADDRINUSE mean?"
  cat error.log | specloop ask "why does this fail?"
  specloop pack --stdout | specloop ask -t readme > README.md
  git diff | specloop ask -t code-review -m anthropic:claude-sonnet-4-5
  specloop ask -t my-translate -p lang French "good morning"   # your .specloop/templates/my-translate.md
  specloop ask --json "2+2?" | jq .usage`,
    )
    .action(
      app.action('ask', async (ctx, words: string[], flags: AskFlags) => {
        const { ask } = await import('../core/llm/ask.js');
        const { params, extra } = pairParams(flags.param);
        const prompt = [...words, ...(extra ? [extra] : [])].join(' ') || undefined;
        const input = ctx.stdin.isTTY ? undefined : await readAll(ctx.stdin);
        const stream = flags.stream && !flags.json;
        let last = '';
        const r = await ask(ctx, {
          template: flags.template,
          model: flags.model,
          system: flags.system,
          params,
          prompt,
          input,
          stream,
          yes: flags.yes,
          onText: (d) => {
            ctx.stdout.write(d);
            last = d;
          },
          confirm: ctx.stdin.isTTY && ctx.stderr.isTTY ? confirmOnTty : undefined,
        });
        if (flags.json) {
          const { text, model, usage, cost } = r;
          printJson(ctx.stdout, { text, model, usage, cost });
          return 0;
        }
        if (!stream) ctx.stdout.write(r.text);
        const tail = stream ? last : r.text;
        if (r.text && !tail.endsWith('\n')) ctx.stdout.write('\n');
        return 0;
      }),
    );
}

async function confirmOnTty(message: string): Promise<boolean> {
  const { confirm, isCancel } = await import('@clack/prompts');
  const answer = await confirm({ message, output: process.stderr });
  return !isCancel(answer) && answer === true;
}
