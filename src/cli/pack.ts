import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type PackConfig, packSchema } from '../core/config/schema.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

/** Flags: every [pack] config key, plus per-run output modes. */
type PackFlags = Partial<PackConfig> & { stdout?: boolean; copy?: boolean; jsonSummary?: boolean };

const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
  return n;
};
const bytes = (v: string) => {
  const m = /^(\d+)\s*(b|kb?|mb?)?$/i.exec(v.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('expected a size such as 1000000, 500kb or 2mb');
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
};
const list = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** Flags that are config keys (`[pack]` in specloop.toml); the rest are output modes. */
const CONFIG_KEYS = Object.keys(packSchema.shape) as (keyof PackConfig)[];

export function register(program: Command, app: App): void {
  program
    .command('pack')
    .description('pack the repository into one LLM-ready file with exact token counts')
    .argument('[dir...]', 'directories to pack (default: the current one)')
    .option('-o, --output <file>', 'output file (default output.txt; parts become output.1.txt, …)')
    .addOption(new Option('--style <style>', 'output style').choices(['xml', 'markdown', 'plain', 'json']))
    .option('--stdout', 'write the pack to stdout only (no file)')
    .option('--include <globs>', 'only files matching these globs (.gitignore syntax, comma-separated)', list)
    .option('--ignore <globs>', 'also leave out files matching these globs', list)
    .option('--no-gitignore', 'do not honour .gitignore / .git/info/exclude')
    .option(
      '--no-default-ignore',
      'do not apply the default ignores (node_modules, lock files, build output, media)',
    )
    .option('--max-file-size <bytes>', 'skip files larger than this (e.g. 1000000, 500kb, 2mb)', bytes)
    .option('--top <n>', 'list the N largest files by tokens in the summary', int(0))
    .option('--copy', 'also copy the pack to the clipboard')
    .option('--no-security-check', 'do not scan for secrets (files with secrets are otherwise left out)')
    .option('--header <text>', 'text to put at the top of the pack')
    .option('--instructions <file>', 'append the instructions in FILE to the pack')
    .option('--line-numbers', 'prefix every line with its number')
    .option('--remove-comments', 'strip comments from source files (common languages)')
    .option('--git-diff', 'add the working-tree and staged diffs')
    .option('--git-log <n>', 'add the last N commits', int(0))
    .option('--token-budget <n>', 'drop least relevant / largest files until the pack fits N tokens', int(1))
    .addOption(new Option('--encoding <name>', 'tokenizer').choices(['o200k_base', 'cl100k_base']))
    .option(
      '--split-tokens <n>',
      'write several files of at most N tokens each (a file is never cut)',
      int(1),
    )
    .option('--json-summary', 'print the summary as JSON (on stdout; on stderr with --stdout)')
    .option('--no-cache', 'do not read or write the token-count cache')
    .addHelpText(
      'after',
      `
Every option can be set under [pack] in specloop.toml (flags win), e.g.
  [pack]
  style = "markdown"
  ignore = ["docs/**", "*.snap"]

Examples:
  specloop pack                                  pack the current repo into output.txt
  specloop pack src --include "**/*.ts" --top 10
  specloop pack --stdout | specloop ask -t code-review
  specloop pack --split-tokens 100000 -o ctx.xml  ctx.1.xml, ctx.2.xml, … each ≤ 100k tokens
  specloop pack --git-diff --git-log 5 --token-budget 200000`,
    )
    .action(
      app.action(
        'pack',
        async (ctx, dirs: string[], flags: PackFlags) => {
          if (flags.stdout && ctx.config.pack.splitTokens)
            throw new UsageError('--split-tokens writes files; drop --stdout');
          if (flags.copy && ctx.config.pack.splitTokens)
            throw new UsageError('--copy cannot copy a split pack');
          const { pack, formatSummary, displayPath } = await import('../core/pack/index.js');
          const { requireClipboard, copyToClipboard } = await import('../core/pack/clipboard.js');
          const clip = flags.copy ? requireClipboard(ctx.env) : undefined;
          const { createProgress } = await import('../util/progress.js');
          const progress = ctx.stderr.isTTY && !flags.jsonSummary ? createProgress(ctx.stderr) : undefined;
          const r = await pack(ctx, { dirs, write: !flags.stdout, progress });
          if (flags.stdout) ctx.stdout.write(r.output);
          if (clip)
            await copyToClipboard(
              clip,
              flags.stdout ? r.output : await readFile(r.output, 'utf8'),
              ctx.cwd,
              ctx.env,
            );
          const outputs = r.parts.map((p) => (p.path ? displayPath(ctx, p.path) : 'stdout'));
          if (flags.jsonSummary) {
            const parts = r.parts.map((p, i) => ({
              path: outputs[i],
              tokens: p.tokens,
              chars: p.chars,
              files: p.files,
            }));
            const json = { totals: r.totals, parts, files: r.files, skipped: r.skipped, cache: r.cache };
            printJson(flags.stdout ? ctx.stderr : ctx.stdout, json);
          } else {
            ctx.stderr.write(formatSummary(r, { top: ctx.config.pack.top, outputs }));
          }
          if (clip) ctx.stderr.write('Copied to the clipboard.\n');
          return 0;
        },
        {
          configOverrides: (_dirs: string[], flags: PackFlags, cmd?: Command) => {
            const fromCli = (k: string) => cmd?.getOptionValueSource(k) === 'cli';
            const pack = Object.fromEntries(
              CONFIG_KEYS.filter((k) => fromCli(k) && flags[k] !== undefined).map((k) => [k, flags[k]]),
            );
            return { pack };
          },
        },
      ),
    );
}
