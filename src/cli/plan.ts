import { relative } from 'node:path';
import { type Command, Option } from 'commander';
import type { Context } from '../core/context.js';
import type { DraftEvent, PlanProjectResult } from '../core/plan/index.js';
import { formatCount, formatUsd } from '../util/format.js';
import { createProgress } from '../util/progress.js';
import type { App } from './app.js';
import { faultsFromEnv } from './fault-hooks.js';
import { printJson } from './json-output.js';
import { projectFile } from './project-paths.js';

interface PlanFlags {
  spec?: string;
  tdd: boolean;
  model?: string;
  output?: string;
  todo?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  repairs: string;
  sync?: boolean;
}

export function register(program: Command, app: App): void {
  program
    .command('plan')
    .description('turn spec.md into prompt_plan.md (small test-first steps, one prompt each) and todo.md')
    .option('-s, --spec <file>', 'the specification to plan from (default: spec.md at the project root)')
    .option('--no-tdd', 'plain steps instead of test-first ones (default from config run.tdd)')
    .option('-m, --model <model>', 'provider:model for this run (default: models.plan, then models.default)')
    .option('-o, --output <file>', 'where to write the plan (default: prompt_plan.md at the project root)')
    .option('--todo <file>', 'where to write the checklist (default: todo.md at the project root)')
    .option('-f, --force', 'replace existing plan / todo files')
    .option('--dry-run', 'print both files to stdout instead of writing them')
    .option('--json', 'print the result as JSON on stdout')
    .option(
      '--sync',
      'rebuild todo.md from the plan as it is now (no model call; ticks of unchanged steps kept)',
    )
    .addOption(new Option('--repairs <n>', 'repair rounds when the model breaks the format').default('2'))
    .addHelpText(
      'after',
      `
The model drafts a blueprint, splits it into chunks and then into right-sized steps.
Both files are parsed back and validated (numbered steps, one \`\`\`text prompt each,
"Depends on:" lines forming a DAG, one todo box per step); a malformed answer is sent
back with the exact problems for repair, and nothing is written unless both are valid.

Examples:
  specloop plan                          spec.md → prompt_plan.md + todo.md
  specloop plan --no-tdd -m anthropic:claude-sonnet-4-5
  specloop plan --spec docs/spec.md --dry-run | less
  specloop plan --force                  regenerate over existing files
  specloop plan --sync                   after editing prompt_plan.md: todo.md follows, ticks kept`,
    )
    .action(
      app.action('plan', async (ctx, flags: PlanFlags) => {
        if (flags.sync) return syncTodoCommand(ctx, flags);
        const { planProject } = await import('../core/plan/index.js');
        const repairs = Number(flags.repairs);
        if (!Number.isInteger(repairs) || repairs < 0) {
          const { UsageError } = await import('../core/errors.js');
          throw new UsageError(`--repairs must be a whole number ≥ 0, got "${flags.repairs}"`);
        }
        const render = progressRenderer(ctx);
        // SPECLOOP_CRASH_AT (tests): a failing or interrupted write of the plan files.
        const withFaults: Context = { ...ctx, faults: faultsFromEnv(ctx.env.SPECLOOP_CRASH_AT) };
        const result = await planProject(withFaults, {
          spec: projectFile(ctx, flags.spec, 'spec.md'),
          output: projectFile(ctx, flags.output, 'prompt_plan.md'),
          todo: projectFile(ctx, flags.todo, 'todo.md'),
          tdd: flags.tdd && ctx.config.run.tdd,
          model: flags.model,
          force: Boolean(flags.force),
          dryRun: Boolean(flags.dryRun),
          maxRepairs: repairs,
          onEvent: render,
        }).finally(() => render.stop());
        printResult(ctx, result, flags);
        return 0;
      }),
    );
}

function printResult(ctx: Context, r: PlanProjectResult, flags: PlanFlags): void {
  const rel = (p: string) => relative(ctx.cwd, p) || p;
  if (flags.json) {
    const data = {
      written: r.written,
      spec: rel(r.specPath),
      plan: rel(r.planPath),
      todo: rel(r.todoPath),
      todoFromPlan: r.todoFromPlan,
      steps: r.plan.steps.map((s) => ({ number: s.number, title: s.title, dependsOn: s.dependsOn })),
      model: r.totals.model,
      calls: r.totals.calls,
      usage: r.totals.usage,
      cost: r.totals.cost,
      ...(r.written ? {} : { planText: r.planText, todoText: r.todoText }),
    };
    printJson(ctx.stdout, data);
  } else if (!r.written) {
    ctx.stdout.write(
      `<!-- ${rel(r.planPath)} -->\n${r.planText}\n<!-- ${rel(r.todoPath)} -->\n${r.todoText}`,
    );
  }
  if (r.reusedDraft)
    ctx.stderr.write(
      `reused the answers an earlier \`specloop plan\` kept in ${r.reusedDraft}/ (it could not write its files)\n`,
    );
  const tokens = r.totals.usage.inputTokens + r.totals.usage.outputTokens;
  const cost = r.totals.cost === null ? '' : `, ${formatUsd(r.totals.cost)}`;
  const what = r.written ? `wrote ${rel(r.planPath)} and ${rel(r.todoPath)}` : 'dry run, nothing written';
  ctx.stderr.write(
    `${what}: ${r.plan.steps.length} steps (${r.totals.calls} model calls, ${formatCount(tokens)} tokens${cost})\n`,
  );
  if (r.written)
    ctx.stderr.write('next: review both files, then `specloop run` (see also `specloop status`)\n');
}

type PlanEvent = DraftEvent | { type: 'todo-fallback'; problems: string[] };

/** Draft events → a spinner on a TTY, a few plain lines otherwise (one per step, not per token). */
export function progressRenderer(ctx: Context): ((e: PlanEvent) => void) & { stop(): void } {
  const p = createProgress(ctx.stderr);
  let line = '';
  let chars = 0;
  let steps = 0;
  const fn = (e: PlanEvent) => {
    switch (e.type) {
      case 'start':
        [line, chars, steps] = ['', 0, 0];
        p.start(
          e.attempt === 1 ? `writing ${e.file}…` : `asking the model to repair ${e.file} (try ${e.attempt})…`,
        );
        return;
      case 'text': {
        chars += e.delta.length;
        const lines = (line + e.delta).split('\n');
        line = lines.pop() ?? '';
        const seen = lines.filter((l) => /^(#{2,3} *|- \[ \] )Step \d+/.test(l)).length;
        if (seen > 0) p.update(`writing ${e.file}: step ${(steps += seen)}…`);
        else if (ctx.stderr.isTTY) p.update(`writing ${e.file}: step ${steps} (${chars} chars)…`);
        return;
      }
      case 'invalid':
        p.fail(`${e.file} does not follow the format (${e.problems.length} problems):`);
        for (const l of e.problems.slice(0, 10)) ctx.stderr.write(`    ${l}\n`);
        return;
      case 'valid':
        p.succeed(`${e.file}: format ok`);
        return;
      case 'todo-fallback':
        ctx.stderr.write(
          'warning: the model never produced a valid todo.md; writing one derived from the plan\n',
        );
    }
  };
  return Object.assign(fn, { stop: () => p.stop() });
}

/** `plan --sync`: todo.md follows an edited plan; nothing is asked of a model. */
async function syncTodoCommand(ctx: Context, flags: PlanFlags): Promise<number> {
  const { syncTodo } = await import('../core/plan/index.js');
  const r = await syncTodo(ctx, {
    plan: projectFile(ctx, flags.output, 'prompt_plan.md'),
    todo: projectFile(ctx, flags.todo, 'todo.md'),
    dryRun: Boolean(flags.dryRun),
  });
  const rel = relative(ctx.cwd, r.todoPath) || r.todoPath;
  if (flags.json) printJson(ctx.stdout, { ...r, todoPath: rel });
  else if (flags.dryRun) ctx.stdout.write(r.text);
  for (const k of r.kept.filter((k) => k.from !== k.step))
    ctx.stderr.write(`Step ${k.from} is now Step ${k.step}${k.done ? ' (still ticked)' : ''}\n`);
  for (const n of r.added) ctx.stderr.write(`Step ${n} is new or retitled: unticked\n`);
  for (const x of r.removed)
    ctx.stderr.write(
      `dropped Step ${x.from} ("${x.title}"): no longer in the plan${x.done ? ' (it was ticked)' : ''}\n`,
    );
  const ticked = r.kept.filter((k) => k.done).length;
  ctx.stderr.write(
    `${r.written ? 'wrote' : flags.dryRun ? 'would write' : 'unchanged:'} ${rel}: ${r.kept.length + r.added.length} steps, ${ticked} ticked\n`,
  );
  return 0;
}
