import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import type { ProjectStatus } from '../core/plan/index.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { projectFile } from './project-paths.js';

interface StatusFlags {
  json?: boolean;
  spec?: string;
  plan?: string;
  todo?: string;
}

export function register(program: Command, app: App): void {
  program
    .command('status')
    .description('show spec / plan / todo state: steps done, the next step, ready steps, mismatches')
    .option('--json', 'print the status as JSON')
    .option('--spec <file>', 'the specification (default: spec.md at the project root)')
    .option('--plan <file>', 'the prompt plan (default: prompt_plan.md at the project root)')
    .option('--todo <file>', 'the checklist (default: todo.md at the project root)')
    .addHelpText(
      'after',
      `
Steps are "ready" when every step they depend on is ticked in todo.md ("Depends on:"
lines in prompt_plan.md; no line means the previous step). Exit code 2 when the plan
is malformed or the plan and todo.md disagree, so scripts can check before \`run\`.

Examples:
  specloop status
  specloop status --json | jq .next`,
    )
    .action(
      app.action('status', async (ctx, flags: StatusFlags) => {
        const { projectStatus } = await import('../core/plan/index.js');
        const paths = {
          spec: projectFile(ctx, flags.spec, 'spec.md'),
          plan: projectFile(ctx, flags.plan, 'prompt_plan.md'),
          todo: projectFile(ctx, flags.todo, 'todo.md'),
        };
        const s = await projectStatus(ctx, paths);
        // What git says: the steps that landed (trailers, reverts excluded) — the run's own definition.
        const { planProgress } = await import('../core/run/index.js');
        const progress = await planProgress(ctx, { planFile: paths.plan, todoFile: paths.todo });
        if (flags.json)
          printJson(ctx.stdout, {
            ...s,
            landed: progress?.landed ?? [],
            tickedOnly: progress?.tickedOnly ?? [],
          });
        else {
          printStatus(ctx, s);
          if (progress?.landed.length)
            ctx.stdout.write(
              `landed:  ${progress.landed.map((l) => `Step ${l.step} (${l.commit.slice(0, 7)})`).join(', ')}\n`,
            );
          if (progress?.landed.length && progress.tickedOnly.length)
            ctx.stdout.write(
              `ticked without a step commit (by hand, or reverted): ${progress.tickedOnly.map((n) => `Step ${n}`).join(', ')}\n`,
            );
        }
        return s.plan.problems.length > 0 || s.mismatches.length > 0 ? 2 : 0;
      }),
    );
}

function printStatus(ctx: Context, s: ProjectStatus): void {
  const out: string[] = [];
  const row = (name: string, text: string) => out.push(`${name.padEnd(16)} ${text}`);
  row(s.spec.path, !s.spec.exists ? 'missing' : s.spec.empty ? 'empty' : 'present');
  row(
    s.plan.path,
    !s.plan.exists
      ? 'missing'
      : s.plan.valid
        ? `${s.plan.steps} steps`
        : `not valid (${s.plan.problems.length} problems)`,
  );
  row(s.todo.path, s.todo.exists ? `${s.done.length}/${s.total} done` : 'missing');
  if (s.next) out.push('', `next:    Step ${s.next.number}: ${s.next.title}`);
  if (s.ready.length > 1)
    out.push(`ready:   ${s.ready.map((n) => `Step ${n}`).join(', ')} (can run in parallel)`);
  if (s.blocked.length > 0)
    out.push(
      `blocked: ${s.blocked.map((b) => `Step ${b.step} (waits on ${b.waitingOn.join(', ')})`).join('; ')}`,
    );
  if (s.complete) out.push('', `all ${s.total} steps are done`);
  if (s.plan.problems.length > 0) {
    out.push('', `${s.plan.path} is not valid:`, ...s.plan.problems.map((p) => `  ${p}`));
    out.push('hint: fix it by hand (format: docs/workflow.md) or regenerate with `specloop plan --force`');
  }
  if (s.mismatches.length > 0) {
    out.push('', `${s.plan.path} and ${s.todo.path} disagree:`, ...s.mismatches.map((m) => `  ${m}`));
    out.push(`hint: edit ${s.todo.path} so it has one "- [ ] Step N: Title" per step, matching the plan`);
  }
  for (const o of s.others) row(o.plan, `${o.done}/${o.total} done (specloop run --from ${o.plan})`);
  for (const [what, d] of Object.entries(s.drift))
    out.push(
      '',
      `warning: ${what === 'spec' ? s.spec.path : s.plan.path} was made from commit ${d.since.slice(0, 7)}; ` +
        `${d.files.length} file(s) changed since in ${d.commits} commit(s)`,
      what === 'spec'
        ? 'hint: check it against the code, or refresh it with `specloop spec --from-code --force`'
        : 'hint: check the remaining steps against the code, or plan again with `specloop plan --force`',
    );
  for (const o of s.others)
    if (o.drift)
      out.push(
        '',
        `warning: ${o.plan} was made from commit ${o.drift.since.slice(0, 7)}; ` +
          `${o.drift.files.length} file(s) changed since in ${o.drift.commits} commit(s)`,
        'hint: check its remaining steps against the code, or plan the change again with `specloop change`',
      );
  const hint = nextCommand(s);
  if (hint) out.push('', hint);
  ctx.stdout.write(`${out.join('\n')}\n`);
}

/** The one command to run next, following the state: never "start with idea" once a plan exists. */
function nextCommand(s: ProjectStatus): string | undefined {
  if (s.plan.exists) {
    if (!s.plan.valid) return undefined; // the problems and their hint are printed above
    if (!s.todo.exists)
      return `no ${s.todo.path}: rebuild it from the plan with \`specloop plan --sync\` (no model call)`;
    if (s.mismatches.length > 0)
      return 'or rebuild it from the plan, keeping the ticks: specloop plan --sync';
    if (s.complete) return 'nothing left to run: `specloop run` prints how to merge the run branch';
    if (s.next) return `continue with: specloop run (next: Step ${s.next.number})`;
    return undefined;
  }
  // No prompt_plan.md: a change plan (`run --from`) may be under way.
  const open = s.others.find((o) => o.done < o.total);
  if (open) return `continue with: specloop run --from ${open.plan}`;
  if (s.others.length > 0) return undefined;
  if (!s.spec.exists || s.spec.empty)
    return 'start with: specloop idea "what you want to build" (new project), or for existing code: specloop change "what to change" / specloop spec --from-code';
  // After `spec --from-code` one change at a time is the usual next move, not a whole plan.
  return 'then: specloop plan (the spec, step by step), or for one task in existing code: specloop change "what to change"';
}
