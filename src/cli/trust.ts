import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface TrustFlags {
  json?: boolean;
  remove?: boolean;
  show?: boolean;
}

/**
 * `specloop trust`: record the nearest specloop.toml's hash as reviewed, so its keys that
 * route credentials or commands (provider URLs, headers, key variables, commands) apply.
 */
export function register(program: Command, app: App): void {
  program
    .command('trust')
    .description("trust this project's specloop.toml (its provider URLs, headers and commands apply)")
    .option('--show', 'say whether the file is trusted and which keys need trust; change nothing')
    .option('--remove', 'forget the trust for this file')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A cloned repository's specloop.toml may set where your API keys are sent ([providers.*]
baseURL, headers, apiKeyEnv) or commands that run elsewhere. specloop refuses such a file
(exit 2) until you have read it and run \`specloop trust\`; any later change needs it again.
The hash is kept in $SPECLOOP_HOME/trusted.json (mode 0600).

Examples:
  specloop trust --show     # what would need trust here
  specloop trust            # after reviewing specloop.toml
  specloop trust --remove`,
    )
    .action(
      app.action('trust', async (ctx, o: TrustFlags) => {
        const { findProjectConfig } = await import('../core/config/layers.js');
        const { isTrusted, sensitiveKeys, trustFile, untrustFile } = await import('../core/config/trust.js');
        const { parse } = await import('smol-toml');
        const file = findProjectConfig(ctx.cwd);
        if (!file)
          throw new UsageError(`no specloop.toml in ${ctx.cwd} or above`, {
            code: 'E_NO_CONFIG',
            hint: 'run it in the project whose specloop.toml you want to trust',
          });
        const text = readFileSync(file, 'utf8');
        const keys = sensitiveKeys(parse(text) as Record<string, unknown>);
        let trusted = isTrusted(ctx.home, file, text);
        if (o.remove) {
          const was = untrustFile(ctx.home, file);
          trusted = false;
          if (!o.json) ctx.stderr.write(was ? `no longer trusted: ${file}\n` : `${file} was not trusted\n`);
        } else if (!o.show) {
          trustFile({
            home: ctx.home,
            file,
            text,
            data: parse(text) as Record<string, unknown>,
            now: new Date(ctx.clock.now()).toISOString(),
          });
          trusted = true;
          if (!o.json)
            ctx.stderr.write(
              `trusted ${file}${keys.length ? ` (its ${keys.join(', ')} now apply)` : ''}; any change to it needs \`specloop trust\` again\n`,
            );
        }
        if (o.json) printJson(ctx.stdout, { file, trusted, keys });
        else if (o.show)
          ctx.stdout.write(
            `${file}: ${trusted ? 'trusted' : 'not trusted'}\n${keys.length ? `keys that need trust: ${keys.join(', ')}\n` : 'no keys that need trust\n'}`,
          );
        return 0;
      }),
    );
}
