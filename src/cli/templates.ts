import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface ListFlags {
  all?: boolean;
  json?: boolean;
}

async function listTemplatesCmd(ctx: Context, opts: ListFlags): Promise<number> {
  const { listTemplates } = await import('../core/templates/index.js');
  const all = (await listTemplates(ctx)).filter((t) => opts.all || !t.internal);
  if (opts.json) {
    const rows = all.map(({ body: _body, ...t }) => t);
    printJson(ctx.stdout, rows);
    return 0;
  }
  const width = Math.max(4, ...all.map((t) => t.name.length));
  for (const t of all) {
    const line = `${t.name.padEnd(width)}  ${t.source.padEnd(8)}  ${t.description ?? ''}${t.internal ? ' (internal)' : ''}`;
    ctx.stdout.write(`${line.trimEnd()}\n`);
  }
  if (all.length === 0) ctx.stderr.write('no templates found (see `specloop templates path`)\n');
  return 0;
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('templates')
    .description('list, show or locate prompt templates (project > global > built-in)');
  cmd.addHelpText(
    'after',
    `
Templates are markdown files with YAML front-matter, looked up in this order:
  ./.specloop/templates/NAME.md    (project; commit it)
  $SPECLOOP_HOME/templates/NAME.md (global; ~/.config/specloop/templates)
  built-in

Examples:
  specloop templates list
  specloop templates show summarize > .specloop/templates/summarize.md   # customise a copy
  specloop templates path`,
  );

  const list = app.action('templates', (ctx, opts: ListFlags) => listTemplatesCmd(ctx, opts));
  // Bare `specloop templates` lists, like `templates list` (flags go to `list`).
  cmd.action(app.action('templates', (ctx) => listTemplatesCmd(ctx, {})));
  cmd
    .command('list')
    .description('list templates: name, source, description (also the default)')
    .option('-a, --all', 'include internal templates used by specloop commands')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  specloop templates list
  specloop templates list --all --json | jq -r '.[].name'`,
    )
    .action(list);

  cmd
    .command('show')
    .description('print a template file as it is (front-matter included)')
    .argument('<name>', 'template name')
    .addHelpText(
      'after',
      `
Examples:
  specloop templates show readme
  specloop templates show summarize > .specloop/templates/summarize.md   # customise a copy`,
    )
    .action(
      app.action('templates', async (ctx, name: string) => {
        const { loadTemplate } = await import('../core/templates/index.js');
        const { readFile } = await import('node:fs/promises');
        const t = await loadTemplate(ctx, name);
        ctx.stderr.write(`# ${t.source}: ${t.path}\n`);
        ctx.stdout.write(await readFile(t.path, 'utf8'));
        return 0;
      }),
    );

  cmd
    .command('path')
    .description('print the template directories in lookup order, or the file NAME resolves to')
    .argument('[name]', 'template name')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  specloop templates path
  specloop templates path readme          # which file \`readme\` resolves to
  specloop templates path --json`,
    )
    .action(
      app.action('templates', async (ctx, name: string | undefined, opts: { json?: boolean }) => {
        const { templateDirs, templatePath, loadTemplate } = await import('../core/templates/index.js');
        if (name) {
          const hit = templatePath(ctx, name);
          if (!hit) {
            await loadTemplate(ctx, name); // throws the "unknown template" error listing known names
            throw new UsageError(`unknown template "${name}"`, {
              hint: 'see `specloop templates list --all`',
            });
          }
          ctx.stdout.write(opts.json ? `${JSON.stringify({ name, ...hit })}\n` : `${hit.path}\n`);
          return 0;
        }
        const dirs = templateDirs(ctx);
        if (opts.json) {
          printJson(ctx.stdout, dirs);
          return 0;
        }
        // Bare paths when piped (scriptable); labelled on a terminal.
        for (const d of dirs) {
          const label = ctx.stdout.isTTY ? `  (${d.source}${d.exists ? '' : ', not created yet'})` : '';
          ctx.stdout.write(`${d.dir}${label}\n`);
        }
        return 0;
      }),
    );
}
