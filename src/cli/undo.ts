import type { Command } from 'commander';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';

export function register(program: Command, app: App): void {
  program
    .command('undo')
    .description('take a landed step back: a revert commit on the run branch, its box unticked')
    .argument('[step]', 'the step to undo (default: the step landed last)', positiveInt)
    .option('--hard', 'drop the step commit instead (only the last commit, and only if never pushed)')
    .option('--from <file>', 'the plan given to `run --from`')
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
  specloop undo 3 && specloop run --step 3`,
    )
    .action(
      app.action(
        'undo',
        async (ctx, step: number | undefined, flags: { hard?: boolean; from?: string; json?: boolean }) => {
          const { undoStep } = await import('../core/undo/index.js');
          const r = await undoStep(ctx, { step, hard: flags.hard, from: flags.from });
          if (flags.json) printJson(ctx.stdout, r);
          ctx.stderr.write(
            r.hard
              ? `dropped step ${r.step} (${r.title}): commit ${r.undone.slice(0, 10)} removed from ${r.branch ?? 'HEAD'}\n`
              : `undid step ${r.step} (${r.title}): revert ${r.revert?.slice(0, 10)} of ${r.undone.slice(0, 10)} on ${r.branch ?? 'HEAD'}, box unticked\n`,
          );
          ctx.stderr.write(
            `next: \`specloop run --step ${r.step}\` runs it again (or edit its prompt first)\n`,
          );
          return 0;
        },
      ),
    );
}
