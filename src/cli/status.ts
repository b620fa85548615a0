import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import type { ProjectStatus } from '../core/plan/index.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface StatusFlags {
  json?: boolean;
  spec: string;
  plan: string;
  todo: string;
}

export function register(program: Command, app: App): void {
  program
    .command('status')
    .description('show spec / plan / todo state: steps done, the next step, ready steps, mismatches')
    .option('--json', 'print the status as JSON')
    .option('--spec <file>', 'the specification', 'spec.md')
    .option('--plan <file>', 'the prompt plan', 'prompt_plan.md')
    .option('--todo <file>', 'the checklist', 'todo.md')
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
        const s = await projectStatus(ctx, { spec: flags.spec, plan: flags.plan, todo: flags.todo });
        // What git says: the steps that landed (trailers, reverts excluded) — the run's own definition.
        const { planProgress } = await import('../core/run/index.js');
        const progress = await planProgress(ctx, { planFile: flags.plan, todoFile: flags.todo });
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
  const hint = nextCommand(s);
  if (hint) out.push('', hint);
  ctx.stdout.write(`${out.join('\n')}\n`);
}

function nextCommand(s: ProjectStatus): string | undefined {
  if (!s.spec.exists || s.spec.empty) return 'start with: specloop idea "what you want to build"';
  if (!s.plan.exists) return 'then: specloop plan';
  if (!s.todo.exists && s.plan.valid)
    return `no ${s.todo.path}: progress is not tracked (regenerate both with \`specloop plan --force\`)`;
  if (s.next && s.mismatches.length === 0 && s.plan.valid) return 'continue with: specloop run';
  return undefined;
}
