import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { readAll } from '../util/read-all.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

/** Ask for the key without echoing it (stdin is a terminal here). */
async function promptKey(provider: string, stdin: Readable): Promise<string> {
  const { password, isCancel } = await import('@clack/prompts');
  const key = await password({ message: `API key for ${provider}`, input: stdin, output: process.stderr });
  if (isCancel(key)) throw new UsageError('cancelled; no key stored', { code: 'E_CANCELLED' });
  return key;
}

export function register(program: Command, app: App): void {
  const cmd = program.command('keys').description('store API keys (mode 0600); environment variables win');
  cmd.addHelpText(
    'after',
    `
Keys live in $SPECLOOP_HOME/keys.json (~/.config/specloop/keys.json), mode 0600.
OPENAI_API_KEY, ANTHROPIC_API_KEY (and a compatible endpoint's apiKeyEnv) win over stored keys.

Examples:
  specloop keys set openai                 # hidden prompt
  printf %s "$KEY" | specloop keys set anthropic
  specloop keys list
  specloop keys remove openai`,
  );

  cmd
    .command('set')
    .description('store the key for PROVIDER, read from stdin or a hidden prompt')
    .argument('<provider>', 'openai, anthropic, or a [providers.compatible.NAME] name')
    .addHelpText(
      'after',
      `
Examples:
  specloop keys set openai                        # hidden prompt on a terminal
  printf %s "$KEY" | specloop keys set anthropic  # or from stdin`,
    )
    .action(
      app.action('keys', async (ctx, provider: string) => {
        const { setKey, keysPath, KEY_ENV } = await import('../core/keys/index.js');
        const key = ctx.stdin.isTTY ? await promptKey(provider, ctx.stdin) : await readAll(ctx.stdin);
        await setKey(ctx, provider, key);
        ctx.stderr.write(`stored the ${provider} key in ${keysPath(ctx)}\n`);
        const envVar = KEY_ENV[provider];
        if (envVar && ctx.env[envVar])
          ctx.stderr.write(`note: ${envVar} is set and wins over the stored key\n`);
        return 0;
      }),
    );

  cmd
    .command('list')
    .description('providers with a key and where it comes from (never the key itself)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  specloop keys list
  specloop keys list --json | jq -r '.[].provider'`,
    )
    .action(
      app.action('keys', async (ctx, opts: { json?: boolean }) => {
        const { listKeys } = await import('../core/keys/index.js');
        const keys = listKeys(ctx);
        if (opts.json) {
          printJson(ctx.stdout, keys);
          return 0;
        }
        for (const k of keys) {
          const from = k.source === 'env' ? `env ${k.envVar}` : 'stored';
          ctx.stdout.write(`${k.provider.padEnd(12)} ${from}\n`);
        }
        if (!keys.length) ctx.stderr.write('no keys (set one with `specloop keys set PROVIDER`)\n');
        return 0;
      }),
    );

  cmd
    .command('path')
    .description('print the key store path')
    .addHelpText('after', '\nExamples:\n  specloop keys path\n  ls -l "$(specloop keys path)"')
    .action(
      app.action('keys', async (ctx) => {
        const { keysPath } = await import('../core/keys/index.js');
        ctx.stdout.write(`${keysPath(ctx)}\n`);
        return 0;
      }),
    );

  cmd
    .command('remove')
    .description('delete the stored key for PROVIDER')
    .argument('<provider>', 'provider name')
    .addHelpText('after', '\nExamples:\n  specloop keys remove openai')
    .action(
      app.action('keys', async (ctx, provider: string) => {
        const { removeKey } = await import('../core/keys/index.js');
        if (!(await removeKey(ctx, provider))) {
          throw new UsageError(`no stored key for ${provider}`, { hint: 'see `specloop keys list`' });
        }
        ctx.stderr.write(`removed the ${provider} key\n`);
        return 0;
      }),
    );
}
