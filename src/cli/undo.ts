import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { shellWord } from '../util/shell-word.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';

interface UndoFlags {
  hard?: boolean;
  from?: string;
  json?: boolean;
  team?: boolean;
  remote?: string;
  branch?: string;
}

export function register(program: Command, app: App): void {
  program
    .command('undo')
    .description('take a landed step back: a revert commit on the run branch, its box unticked')
    .argument('[step]', 'the step to undo (default: the step landed last)', positiveInt)
    .option('--hard', 'drop the step commit instead (only the last commit, and only if never pushed)')
    .option('--from <file>', 'the plan given to `run --from`')
    .option('--team', 'undo on the team integration branch: revert, then push fast-forward only')
    .option('--remote <name>', 'remote for --team (default: config team.remote)')
    .option('--branch <name>', 'integration branch for --team (default: the branch the checkout tracks)')
    .option('--json', 'print {step, title, undone, revert, hard, branch} on stdout')
    .addHelpText(
      'after',
      `
The revert commit undoes the step's files and unticks its box in todo.md in one commit
(trailer "Specloop-Revert: <sha>"), so status, run and the board count the step as not
done. Nothing is rewritten: others who pulled the branch are safe. Run the step again with
\`specloop run --step N\` (or undo and rerun at once with \`specloop run --step N --redo\`).

Examples:
  specloop undo                 undo the step that landed last
  specloop undo 3               undo step 3 (later steps stay)
  specloop undo --hard          drop the last step commit (never pushed)
  specloop undo 3 && specloop run --step 3
  specloop undo 2 --team        revert step 2 on the remote integration branch`,
    )
    .action(
      app.action('undo', async (ctx, step: number | undefined, flags: UndoFlags) => {
        const { undoOnRemote, undoStep } = await import('../core/undo/index.js');
        if (flags.team && flags.hard)
          throw new UsageError('--hard does not apply to --team: pushed history is never rewritten');
        const r = flags.team
          ? await undoOnRemote(ctx, {
              step,
              from: flags.from,
              remote: flags.remote ?? ctx.config.team.remote,
              branch: flags.branch,
            })
          : await undoStep(ctx, { step, hard: flags.hard, from: flags.from });
        if ('pushed' in r) ctx.stderr.write(`pushed the revert to ${r.pushed} (fast-forward)\n`);
        if (flags.json) printJson(ctx.stdout, r);
        ctx.stderr.write(
          r.hard
            ? `dropped step ${r.step} (${r.title}): commit ${r.undone.slice(0, 10)} removed from ${r.branch ?? 'HEAD'}\n`
            : `undid step ${r.step} (${r.title}): revert ${r.revert?.slice(0, 10)} of ${r.undone.slice(0, 10)} on ${r.branch ?? 'HEAD'}, box unticked\n`,
        );
        // the same plan and mode the undo named: a bare `run --step N` would look for prompt_plan.md
        const rerun = [
          'specloop run',
          flags.team ? '--team' : '',
          flags.from ? `--from ${shellWord(flags.from)}` : '',
          `--step ${r.step}`,
        ]
          .filter(Boolean)
          .join(' ');
        ctx.stderr.write(`next: \`${rerun}\` runs it again (or edit its prompt first)\n`);
        return 0;
      }),
    );
}
