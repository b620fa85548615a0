import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { PACK_KEYS } from '../core/config/defaults.js';
import type { PackConfig } from '../core/config/schema.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { bytes, int, list, splitPathList } from './pack-args.js';
import { reportPack } from './pack-report.js';

/** Flags: every [pack] config key, plus per-run output modes. */
type PackFlags = Partial<PackConfig> & {
  stdout?: boolean;
  copy?: boolean;
  jsonSummary?: boolean;
  quiet?: boolean;
  stdin?: boolean;
  null?: boolean;
  tokenCountTree?: boolean | number;
  remote?: string;
};

export function register(program: Command, app: App): void {
  program
    .command('pack')
    .description('pack the repository into one LLM-ready file with exact token counts')
    .argument('[path...]', 'directories or files to pack (default: the current directory)')
    .option(
      '-o, --output <file>',
      'output file (default output.txt; "-" is stdout; parts become output.1.txt, …)',
    )
    .addOption(new Option('--style <style>', 'output style').choices(['xml', 'markdown', 'plain', 'json']))
    .option('--stdout', 'write the pack to stdout only (no file)')
    .option('--stdin', 'read the paths to pack from stdin, one per line (git diff --name-only | …)')
    .option('-0, --null', 'with --stdin: paths are NUL-separated (fd -0, find -print0, git … -z)')
    .option('--remote <repo>', 'pack a remote repository: a git URL or owner/repo[@ref] (GitHub)')
    .option('--include <globs>', 'only files matching these globs (.gitignore syntax, comma-separated)', list)
    .option('--ignore <globs>', 'also leave out files matching these globs', list)
    .option('--no-gitignore', 'do not honour .gitignore / .git/info/exclude')
    .option('--no-dot-ignore', 'do not read .ignore and .repomixignore files (.specloopignore still applies)')
    .option(
      '--no-default-ignore',
      'do not apply the default ignores (node_modules, lock files, build output, media)',
    )
    .option('--max-file-size <bytes>', 'skip files larger than this (e.g. 1000000, 500kb, 2mb)', bytes)
    .option('--top <n>', 'list the N largest files by tokens in the summary', int(0))
    .option('--token-count-tree [min]', 'show tokens per directory and file (only entries ≥ min)', int(0))
    .option('--copy', 'also copy the pack to the clipboard')
    .option('--no-security-check', 'do not scan for secrets (files with secrets are otherwise left out)')
    .option('--header <text>', 'text to put at the top of the pack')
    .option('--instructions <file>', 'append the instructions in FILE to the pack')
    .option('--no-file-summary', 'leave out the summary prose at the top')
    .option('--no-directory-structure', 'leave out the directory tree')
    .option('--no-files', 'leave out file contents (tree, summary and token counts only)')
    .option('--compress', 'keep signatures, types, imports and doc comments; elide bodies (tree-sitter)')
    .option('--line-numbers', 'prefix every line with its number')
    .option('--remove-comments', 'strip comments from source files (common languages)')
    .option('--remove-empty-lines', 'drop blank lines')
    .option('--truncate-base64', 'shorten long base64 runs (data URIs, embedded blobs)')
    .option('--git-diff', 'add the working-tree and staged diffs')
    .option('--git-log <n>', 'add the last N commits', int(0))
    .option('--token-budget <n>', 'leave out the least relevant files until the pack fits N tokens', int(1))
    .option('--max-tokens <n>', 'fail (exit 1, nothing written) when the pack would exceed N tokens', int(1))
    .addOption(new Option('--encoding <name>', 'tokenizer').choices(['o200k_base', 'cl100k_base']))
    .option(
      '--split-tokens <n>',
      'write several files of at most N tokens each (a file is never cut)',
      int(1),
    )
    .option('--json-summary', 'print the summary as JSON (on stdout; on stderr with --stdout)')
    .option('-q, --quiet', 'print nothing but errors (and --json-summary)')
    .option('--no-cache', 'do not read or write the token-count cache')
    .addHelpText(
      'after',
      `
Every option can be set under [pack] in specloop.toml (flags win), e.g.
  [pack]
  style = "markdown"
  ignore = ["docs/**", "*.snap"]
  compress = ["src/**"]

.gitignore, .ignore, .repomixignore and .specloopignore are read with git's rules.

Examples:
  specloop pack                                  pack the current repo into output.txt
  specloop pack src README.md --top 10           a directory and a file
  specloop pack -o - | specloop ask -t code-review
  git diff --name-only main | specloop pack --stdin -o changed.xml
  fd -e ts -0 | specloop pack --stdin -0 --compress
  specloop pack --token-budget 200k --token-count-tree 5000
  specloop pack --max-tokens 500000 --quiet      CI: fail when the pack outgrows the window
  specloop pack --remote vercel/ai@main --include "packages/ai/**"
  specloop pack --split-tokens 100000 -o ctx.xml  ctx.1.xml, ctx.2.xml, … each ≤ 100k tokens`,
    )
    .action(
      app.action(
        'pack',
        async (ctx, paths: string[], flags: PackFlags) => {
          const toStdout = Boolean(flags.stdout) || flags.output === '-';
          if (toStdout && ctx.config.pack.splitTokens)
            throw new UsageError('--split-tokens writes files; drop --stdout / -o -');
          if (flags.copy && ctx.config.pack.splitTokens)
            throw new UsageError('--copy cannot copy a split pack');
          if (flags.null && !flags.stdin) throw new UsageError('-0 / --null goes with --stdin');
          if (flags.stdin && ctx.stdin.isTTY)
            throw new UsageError('--stdin reads paths from a pipe', {
              hint: 'e.g. git diff --name-only | specloop pack --stdin',
            });
          const { pack } = await import('../core/pack/index.js');
          let fileList: string[] | undefined;
          if (flags.stdin) {
            const { readAll } = await import('../util/read-all.js');
            fileList = splitPathList(await readAll(ctx.stdin), Boolean(flags.null));
          }
          // Imported only when used: each module a pack loads before it starts delays it.
          const clipboard = flags.copy ? await import('../core/pack/clipboard.js') : undefined;
          const clip = clipboard?.requireClipboard(ctx.env);
          const quiet = Boolean(flags.quiet);
          const progress =
            ctx.stderr.isTTY && !flags.jsonSummary && !quiet
              ? (await import('../util/progress.js')).createProgress(ctx.stderr)
              : undefined;
          const r = await pack(ctx, {
            dirs: paths,
            fileList,
            remote: flags.remote,
            write: !toStdout,
            progress,
          });
          if (toStdout) ctx.stdout.write(r.output);
          if (clipboard && clip)
            await clipboard.copyToClipboard(
              clip,
              toStdout ? r.output : await readFile(r.output, 'utf8'),
              ctx.cwd,
              ctx.env,
            );
          await reportPack(ctx, r, { ...flags, toStdout, quiet });
          if (clip && !quiet) ctx.stderr.write('Copied to the clipboard.\n');
          return 0;
        },
        {
          // Flags that are config keys (`[pack]` in specloop.toml) override it; the rest are
          // output modes. Without a config file the schema does not see them (loadConfigLazily):
          // each flag's parser (pack-args.ts, commander's choices) accepts only what it would.
          configOverrides: (_paths: string[], flags: PackFlags, cmd?: Command) => {
            const fromCli = (k: string) =>
              cmd?.getOptionValueSource(k) === 'cli' && !(k === 'output' && flags.output === '-');
            const pack = Object.fromEntries(
              PACK_KEYS.filter((k) => fromCli(k) && flags[k] !== undefined).map((k) => [k, flags[k]]),
            );
            return { pack };
          },
        },
      ),
    );
}
