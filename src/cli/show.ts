import { type Command, InvalidArgumentError } from 'commander';
import type { Context } from '../core/context.js';
import type { ShowResult } from '../core/run/show.js';
import { formatUsd } from '../util/format.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';

const PARTS = ['prompt', 'transcript', 'tests', 'diff'] as const;

interface ShowFlags {
  json?: boolean;
  run?: string;
  attempt?: number;
  part?: (typeof PARTS)[number];
}

const part = (v: string) => {
  if (!(PARTS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`expected one of: ${PARTS.join(', ')}`);
  return v as (typeof PARTS)[number];
};

export function register(program: Command, app: App): void {
  program
    .command('show')
    .description(
      "show a step's attempts from the last run: each reason, the failing tests, the record's files",
    )
    .argument('<step>', 'step number', positiveInt)
    .option('--attempt <k>', 'the attempt to show (default: the last)', positiveInt)
    .option('--run <id>', 'a run id under .specloop/runs/ (default: the latest run with the step)')
    .option('--part <name>', `print one file of the attempt whole: ${PARTS.join(' | ')}`, part)
    .option('--json', 'print the record as JSON')
    .addHelpText(
      'after',
      `
Every attempt of \`specloop run\` is recorded under .specloop/runs/<run-id>/step-<N>/attempt-<K>/:
prompt.md (what the agent was given), transcript.txt (the builtin agent's conversation or the
external CLI's raw output), test-output.txt, diff.patch and attempt.json.

Examples:
  specloop show 3                      why step 3 failed: reasons and the failing tests
  specloop show 3 --part tests         the whole test output of the last attempt
  specloop show 3 --attempt 1 --part diff
  specloop show 3 --json | jq '.attempts[].reason'`,
    )
    .action(
      app.action('show', async (ctx, step: number, flags: ShowFlags) => {
        const { showStep } = await import('../core/run/show.js');
        const r = await showStep(ctx, { step, run: flags.run, attempt: flags.attempt, part: flags.part });
        if (flags.json) printJson(ctx.stdout, r);
        else if (r.text !== undefined) ctx.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
        else printRecord(ctx, r);
        return 0;
      }),
    );
}

function printRecord(ctx: Context, r: ShowResult): void {
  const out = [`step ${r.step}, run ${r.runId} (${r.dir})`];
  for (const a of r.attempts) {
    const usage = a.usageKnown
      ? `${a.usage.inputTokens + a.usage.outputTokens} tokens${a.cost !== null ? `, ${formatUsd(a.cost)}` : ''}`
      : 'usage unknown';
    out.push(
      `  attempt ${a.attempt} (${a.executor}): ${a.ok ? 'passed' : a.stoppedRun ? `stopped the run (${a.stoppedRun}, not counted against --max-attempts): ${a.reason ?? 'unknown'}` : `failed: ${a.reason ?? 'unknown'}`} · ${usage}`,
    );
  }
  const shown = r.attempts.find((a) => a.attempt === r.shown);
  if (r.testExcerpt)
    out.push(
      '',
      `test output of attempt ${r.shown} (failures):`,
      ...r.testExcerpt.split('\n').map((l) => `  ${l}`),
    );
  if (shown) {
    out.push('', `files of attempt ${r.shown}:`);
    for (const [k, p] of Object.entries(shown.files)) out.push(`  ${k.padEnd(10)} ${p}`);
  }
  ctx.stdout.write(`${out.join('\n')}\n`);
}
