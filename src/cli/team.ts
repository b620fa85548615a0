import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface Where {
  remote?: string;
  branch?: string;
  from?: string;
}

/** Parse a step number argument (exit 2 on junk). */
export function stepArg(raw: string): number {
  const n = Number(raw.replace(/^step\s*/i, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${raw}" is not a step number`, { hint: 'e.g. `3`' });
  return n;
}

/** The --remote / --branch / --from options every team command takes. */
export function whereOptions(cmd: Command): Command {
  return cmd
    .option('--remote <name>', 'the shared git remote (default: config team.remote, "origin")')
    .option(
      '--branch <name>',
      'the integration branch (default: config team.integrationBranch, else the current branch)',
    )
    .option('--from <file>', 'a plan file in prompt_plan format other than prompt_plan.md');
}

async function status(ctx: Context, o: Where & { json?: boolean }): Promise<number> {
  const team = await import('../core/team/index.js');
  const target = await team.findTarget(ctx, o);
  const st = await team.teamStatus(ctx, target);
  if (o.json) printJson(ctx.stdout, st);
  else ctx.stdout.write(team.renderStatus(st));
  return 0;
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('team')
    .description('team mode: status of claims and steps on the shared remote; release a claim');
  cmd.addHelpText(
    'after',
    `
Team mode shares one plan between people and bots through the git remote: a step is
claimed with an atomic ref refs/specloop/claims/<plan>/<step> (with a lease renewed while
someone works on it) and lands on the integration branch fast-forward only.
Examples:
  specloop run --team                  bots: claim ready steps, run, land them
  specloop team status                 every step: done, claimed (by whom), ready, blocked
  specloop team status --json
  specloop claim 4 && … && specloop done 4     a person does step 4 by hand
  specloop team release 4              give a claim back`,
  );
  cmd.action(app.action('team', (ctx) => status(ctx, {})));

  whereOptions(
    cmd
      .command('status')
      .description('show every step: done (commit, author), claimed (who, lease age), ready, blocked')
      .option('--json', 'print JSON'),
  ).action(app.action('team', (ctx, o: Where & { json?: boolean }) => status(ctx, o)));

  whereOptions(
    cmd
      .command('release')
      .description('give a claim back so someone else can take the step')
      .argument('<step>', 'step number')
      .option('--force', "release someone else's live claim (their run stops at its next renewal)")
      .option('--name <name>', 'who you are (default: config team.name, else git user.name)'),
  ).action(
    app.action('team', async (ctx, raw: string, o: Where & { force?: boolean; name?: string }) => {
      const team = await import('../core/team/index.js');
      const target = await team.findTarget(ctx, o);
      const r = await team.releaseStep(ctx, { ...target, step: stepArg(raw), force: o.force, name: o.name });
      ctx.stdout.write(`released step ${r.step} (was claimed by ${r.holder})\n`);
      return 0;
    }),
  );
}
