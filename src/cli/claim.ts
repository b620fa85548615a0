import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { stepArg, whereOptions } from './team.js';

/** `90m`, `8h`, `2d`, `3600` (seconds) → seconds. */
function durationArg(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?$/i.exec(raw.trim());
  if (!m) throw new UsageError(`"${raw}" is not a duration`, { hint: 'e.g. 90m, 8h, 2d' });
  const unit = (m[2] ?? 's').toLowerCase();
  const mult = unit === 'd' ? 86400 : unit === 'h' ? 3600 : unit.startsWith('m') ? 60 : 1;
  return Math.max(1, Math.round(Number(m[1]) * mult));
}

export function register(program: Command, app: App): void {
  const cmd = whereOptions(
    program
      .command('claim')
      .description('reserve a plan step for a person working by hand')
      .argument('<step>', 'step number')
      .option('--lease <duration>', 'how long the claim holds without renewal (e.g. 90m, 8h, 2d)', '8h')
      .option('--name <name>', 'who you are (default: config team.name, else git user.name)')
      .option('--json', 'print JSON'),
  );
  cmd.addHelpText(
    'after',
    `
The claim lives on the team remote, so bots running \`specloop run --team\` leave the
step to you. Claiming a step you already hold extends the lease.
Examples:
  specloop claim 4                   work on step 4 by hand, then: specloop done 4
  specloop claim 4 --lease 2d`,
  );
  cmd.action(
    app.action(
      'claim',
      async (
        ctx,
        raw: string,
        o: { lease: string; name?: string; json?: boolean; remote?: string; branch?: string; from?: string },
      ) => {
        const team = await import('../core/team/index.js');
        const step = stepArg(raw);
        const leaseSeconds = durationArg(o.lease);
        const target = await team.findTarget(ctx, o);
        const r = await team.claimStep(ctx, { ...target, step, name: o.name, leaseSeconds });
        if (r.tookOverFrom) ctx.stderr.write(`took over the expired claim of ${r.tookOverFrom}\n`);
        if (r.waitingOn.length)
          ctx.stderr.write(
            `warning: step ${step} depends on ${r.waitingOn.join(', ')}, not integrated yet\n`,
          );
        if (o.json) printJson(ctx.stdout, r);
        else {
          const until = new Date(r.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
          ctx.stdout.write(
            `step ${step} ${r.renewed ? 'is still' : 'is now'} yours (${r.holder}@${r.host}) until ${until} UTC\n`,
          );
          ctx.stderr.write(`commit your work for it, then run \`specloop done ${step}\`\n`);
        }
        return 0;
      },
    ),
  );
}
