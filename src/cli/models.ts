import type { Command } from 'commander';
import type { App } from './app.js';
import { printJson } from './json-output.js';

export function register(program: Command, app: App): void {
  program
    .command('models')
    .description('list providers, configured roles and known model prices')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Model strings are provider:model — openai:gpt-4o-mini, anthropic:claude-sonnet-4-5,
ollama:qwen2.5-coder, openai-compatible:NAME:MODEL (NAME from [providers.compatible.NAME]).
Roles (models.default, .brainstorm, .plan, .code) fall back to models.default; SPECLOOP_MODEL
sets models.default. Prices are USD per million tokens; add or override them with
  [prices."openai:gpt-4o"]
  input = 2.5
  output = 10
Examples:
  specloop models
  specloop models --json | jq '.roles'`,
    )
    .action(
      app.action('models', async (ctx, opts: { json?: boolean }) => {
        const { describeModels } = await import('../core/llm/models-info.js');
        const info = describeModels(ctx);
        if (opts.json) {
          printJson(ctx.stdout, info);
          return 0;
        }
        const out: string[] = ['Roles:'];
        for (const r of info.roles)
          out.push(
            `  ${r.role.padEnd(11)} ${r.model}${r.from === 'models.default' && r.role !== 'default' ? '  (default)' : ''}`,
          );
        out.push('', 'Providers:');
        for (const p of info.providers) {
          const key =
            p.key === 'env'
              ? `key from ${p.keyEnv}`
              : p.key === 'store'
                ? 'key stored'
                : p.key === 'none'
                  ? 'no key needed'
                  : `no key (set ${p.keyEnv ?? 'one'} or \`specloop keys set ${p.name.replace('openai-compatible:', '')}\`)`;
          out.push(`  ${p.name.padEnd(22)} ${p.baseURL}${p.api ? ` (${p.api} API)` : ''}  ${key}`);
        }
        out.push('', 'Prices (USD per 1M tokens, input / output):');
        const w = Math.max(...info.prices.map((p) => p.model.length));
        for (const p of info.prices) {
          out.push(
            `  ${p.model.padEnd(w)}  ${String(p.input).padStart(6)} / ${String(p.output).padEnd(6)}${p.source === 'config' ? ' (config)' : ''}`,
          );
        }
        ctx.stdout.write(`${out.join('\n')}\n`);
        return 0;
      }),
    );
}
