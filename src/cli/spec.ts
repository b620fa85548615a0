import { relative } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { formatCount } from '../util/format.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { listOption, positiveInt } from './option-parsers.js';
import { progressRenderer } from './plan.js';

interface SpecFlags {
  fromCode?: boolean;
  output?: string;
  force?: boolean;
  model?: string;
  include?: string[];
  contextWindow?: number;
  tokenBudget?: number;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command, app: App): void {
  program
    .command('spec')
    .description('write spec.md for existing code (--from-code): the system as it is, facts from the code')
    .option('--from-code', 'describe the code of this repository (required)')
    .option('-o, --output <file>', 'where to write the spec (default spec.md at the repository root)')
    .option('-f, --force', 'replace an existing spec instead of writing spec.<n>.md')
    .option('-m, --model <model>', 'provider:model (default: models.plan, then models.default)')
    .option('--include <glob>', 'pack only these files (repeatable)', listOption)
    .option('--context-window <n>', "the model's context window in tokens", positiveInt)
    .option('--token-budget <n>', 'tokens of code to pack (default: what the window leaves)', positiveInt)
    .option('--dry-run', 'print the spec to stdout; write nothing')
    .option('--json', 'print {spec, numbered, tree, files, tokens, dropped} as JSON')
    .addHelpText(
      'after',
      `
The repository is packed (within the model's context window) and the model writes the
specification of the system as it is: overview, requirements it meets, architecture and
layout, data, interfaces, error handling, how it is tested, and the open questions the
code cannot answer. The code it describes (its git tree) is recorded in the file, so \`specloop status\`
can say when the code has moved on. Then plan a milestone (\`specloop plan\`) or a single
change (\`specloop change "…"\`). See docs/change.md.

Examples:
  specloop spec --from-code
  specloop spec --from-code --force -m anthropic:claude-sonnet-4-5
  specloop spec --from-code --include 'src/**' --dry-run | less`,
    )
    .action(
      app.action('spec', async (ctx, flags: SpecFlags) => {
        if (!flags.fromCode)
          throw new UsageError('`specloop spec` needs --from-code', {
            hint: 'specloop spec --from-code describes this repository; for a new project use `specloop idea "…"`',
          });
        const { specFromCode } = await import('../core/spec-from-code/index.js');
        const draft = progressRenderer(ctx);
        const result = await specFromCode(ctx, {
          output: flags.output,
          force: flags.force,
          model: flags.model,
          include: flags.include,
          contextWindow: flags.contextWindow,
          tokenBudget: flags.tokenBudget,
          dryRun: flags.dryRun,
          onEvent: (e) => {
            if (e.type !== 'packed') return draft(e);
            const dropped = e.dropped ? ` (${e.dropped} left out to fit the context)` : '';
            ctx.stderr.write(`packed ${e.files} files, ${formatCount(e.tokens)} tokens${dropped}\n`);
          },
        }).finally(() => draft.stop());
        const spec = relative(ctx.cwd, result.path) || result.path;
        if (flags.json)
          printJson(ctx.stdout, {
            spec,
            written: result.written,
            numbered: result.numbered,
            tree: result.tree,
            files: result.packed.files,
            tokens: result.packed.tokens,
            dropped: result.packed.dropped,
            ...(result.written ? {} : { text: result.text }),
          });
        else if (!result.written) ctx.stdout.write(result.text);
        if (result.written) {
          const where = result.numbered ? ` (the existing one is kept; pass --force to replace it)` : '';
          ctx.stderr.write(
            `wrote ${spec}${where}\nnext: review it, then \`specloop change "…"\` or \`specloop plan\`\n`,
          );
        }
        return 0;
      }),
    );
}
