import type { Command } from 'commander';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { stepArg, whereOptions } from './team.js';

interface DoneFlags {
  testCmd?: string;
  name?: string;
  force?: boolean;
  json?: boolean;
  remote?: string;
  branch?: string;
  from?: string;
}

export function register(program: Command, app: App): void {
  const cmd = whereOptions(
    program
      .command('done')
      .description('test and integrate a step a person finished by hand')
      .argument('<step>', 'step number')
      .option('--test-cmd <cmd>', 'test command (default: config test.command)')
      .option('--name <name>', 'who you are (default: config team.name, else git user.name)')
      .option('--force', "integrate even though someone else holds the step's claim")
      .option('--json', 'print JSON'),
  );
  cmd.addHelpText(
    'after',
    `
Your commits on top of the team branch are rebased onto its latest tip, tested, and
pushed fast-forward only with the todo.md tick and the \`Specloop-Step: N\` trailer in a
final commit; your claim is then removed. Commit first: the working tree is not used.
Examples:
  specloop claim 4
  git commit -am "parse the config file"
  specloop done 4`,
  );
  cmd.action(
    app.action('done', async (ctx, raw: string, o: DoneFlags) => {
      const [team, run] = await Promise.all([
        import('../core/team/index.js'),
        import('../core/run/index.js'),
      ]);
      const step = stepArg(raw);
      const target = await team.findTarget(ctx, o);
      // The same settings resolution as `specloop run --team` (test command, remote, branch, name).
      const settings = run.resolveRunSettings(ctx, {
        team: true,
        testCommand: o.testCmd,
        name: o.name,
        remote: o.remote,
        branch: o.branch,
      });
      const r = await team.doneStep(ctx, settings, target.src, { step, force: o.force });
      if (o.json) printJson(ctx.stdout, r);
      else {
        ctx.stdout.write(`step ${step} integrated as ${r.commit.slice(0, 7)} on ${r.remote}/${r.branch}\n`);
        ctx.stderr.write(
          `${r.commits} commit${r.commits === 1 ? '' : 's'} integrated; your branch: ${r.local}\n`,
        );
      }
      return 0;
    }),
  );
}
