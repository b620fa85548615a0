import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ChangeEvent } from '../core/change/index.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { App } from './app.js';
import { contextLine, report } from './change-report.js';
import { printJson } from './json-output.js';
import { listOption, positiveInt } from './option-parsers.js';
import { progressRenderer } from './plan.js';

interface ChangeFlags {
  file?: string;
  issue?: number;
  repo?: string;
  include?: string[];
  tdd: boolean;
  model?: string;
  questions: boolean;
  maxQuestions: number;
  answers?: string;
  resume?: string | true;
  name?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  run?: boolean;
  executor?: string;
  testCmd?: string;
  maxAttempts?: number;
  review?: boolean;
  yes?: boolean;
  parallel?: number;
  team?: boolean;
  remote?: string;
  compress?: boolean;
  contextWindow?: number;
  tokenBudget?: number;
}

const EXAMPLES = `
The repository is packed once for the model within its context window, the files the
request is about kept whole (paths; symbols → the files defining them; their tests,
imports and importers) and the rest dropped by tier when it does not fit (--compress:
signatures first). In a terminal the model may ask up to --max-questions clarifying questions,
one at a time (/done /skip /back as in \`idea\`; --resume continues after Ctrl-C). The plan
is validated and repaired like \`plan\`'s, and every file a step names must exist or be
created by an earlier step. See docs/change.md.

Examples:
  specloop change "make camelCase keep digits: foo-2-bar → foo2Bar"
  specloop change --issue 12 --run           plan GitHub issue #12 and run it
  specloop change "…" --run --parallel 2     independent steps at once, in worktrees
  specloop change "…" --run --team           publish specloop/<slug>; teammates join with
                                             specloop run --team --from changes/<slug>.md --branch specloop/<slug>
  specloop change --file request.md --include 'src/parser/**' --no-questions
  specloop change "add a --json flag to the list command" --dry-run | less
  specloop run --from changes/make-camelcase-keep-digits.md`;

export function register(program: Command, app: App): void {
  program
    .command('change')
    .description(
      'plan one change to existing code: changes/<slug>.md, small test-first steps grounded in the code',
    )
    .argument('[request...]', 'what to change, in a sentence or two')
    .option('--file <file>', 'read the request from a file')
    .option('--issue <n>', 'start from open GitHub issue N (its last commit says Fixes #N)', positiveInt)
    .option('--repo <owner/name>', 'repository of --issue (default: [github] repo, else origin)')
    .option('--include <glob>', 'put these files in the context first (repeatable)', listOption)
    .option('--no-tdd', 'plain steps instead of test-first ones (default from config run.tdd)')
    .option('-m, --model <model>', 'provider:model (default: models.plan, then models.default)')
    .option('--no-questions', 'plan at once: no clarifying questions')
    .option('--max-questions <n>', 'ask at most this many clarifying questions', positiveInt, 3)
    .option('--answers <file>', 'answer the questions from a file: one answer per paragraph')
    .option('--resume [id]', 'continue the newest unfinished change session (or the one with this id)')
    .option('--name <slug>', 'the plan file name: changes/<slug>.md (default: from the request)')
    .option('-f, --force', 'with --name: replace an existing plan')
    .option('--dry-run', 'print the plan and todo to stdout; write nothing')
    .option('--json', 'print the result as JSON on stdout')
    .option('--run', 'then run it, like `specloop run --from changes/<slug>.md` on branch specloop/<slug>')
    .option('--executor <name>', 'with --run: builtin | aider | claude | codex')
    .option('--test-cmd <cmd>', 'with --run: the test command (default: config test.command)')
    .option('--max-attempts <n>', 'with --run: attempts per step', positiveInt)
    .option('-y, --yes', 'with --run: start on a dirty tree (see `specloop run --help`)')
    .option('--review', 'with --run: review each green step before it lands (as `specloop run --review`)')
    .option('--no-review', 'with --run: do not review (overrides config run.review)')
    .option(
      '--parallel <n>',
      'with --run: up to N ready steps at once, each in its own worktree',
      positiveInt,
    )
    .option('--team', 'with --run: team mode; the plan is committed on specloop/<slug> and published')
    .option('--remote <name>', 'with --run --team: the remote (default: config team.remote)')
    .option('--compress', 'once the budget is tight: files outside the focus as signatures (tree-sitter)')
    .option(
      '--context-window <n>',
      "the model's context window in tokens, if not in the built-in table",
      positiveInt,
    )
    .option(
      '--token-budget <n>',
      'tokens of code to pack for the model (default: what the window leaves)',
      positiveInt,
    )
    .addHelpText('after', EXAMPLES)
    .action(
      app.action('change', async (ctx, words: string[], flags: ChangeFlags) => {
        const { planChange } = await import('../core/change/index.js');
        const bs = await import('../core/brainstorm/index.js');
        const request = await requestText(ctx, words, flags);
        if (flags.dryRun && flags.run) throw new UsageError('--dry-run and --run cannot go together');
        const runOnly = (
          ['parallel', 'team', 'remote', 'yes', 'executor', 'testCmd', 'maxAttempts', 'review'] as const
        ).find((k) => flags[k] !== undefined);
        if (runOnly && !flags.run)
          throw new UsageError(
            `--${runOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --run`,
            {
              hint: 'add --run to run the plan after writing it, or drop the flag',
            },
          );
        // With --run, the run's settings are checked before any model call (no test command → exit 2 now).
        const settings = flags.run
          ? (await import('../core/run/index.js')).resolveRunSettings(ctx, {
              executor: flags.executor,
              testCommand: flags.testCmd,
              maxAttempts: flags.maxAttempts,
              tdd: flags.tdd ? undefined : false,
              yes: flags.yes,
              parallel: flags.parallel,
              team: flags.team,
              remote: flags.remote,
            })
          : undefined;
        const interactive = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY && !flags.answers);
        // Without a terminal or an answers file nobody can answer: plan at once.
        const input = flags.answers
          ? bs.fileAnswers(await readFile(resolve(ctx.cwd, flags.answers), 'utf8'))
          : interactive
            ? bs.ttyAnswers({ input: ctx.stdin, output: process.stderr })
            : undefined;
        const color = ctx.stderr.isTTY && !ctx.env.NO_COLOR && ctx.env.TERM !== 'dumb';
        const talk = bs.brainstormRenderer(ctx.stderr, { interactive, color, command: 'specloop change' });
        const draft = progressRenderer(ctx);
        const onEvent = (e: ChangeEvent) => {
          if (e.type === 'context') return contextLine(ctx, e);
          if (e.type === 'start' || e.type === 'text' || e.type === 'invalid' || e.type === 'valid')
            return draft(e);
          if (e.type === 'todo-fallback') return draft(e);
          talk(e);
        };
        const result = await planChange(ctx, {
          request,
          issue: flags.issue,
          repo: flags.repo,
          include: flags.include,
          tdd: flags.tdd && ctx.config.run.tdd,
          model: flags.model,
          questions: flags.questions,
          maxQuestions: flags.maxQuestions,
          input,
          resume: flags.resume,
          name: flags.name,
          force: flags.force,
          dryRun: flags.dryRun,
          contextWindow: flags.contextWindow,
          tokenBudget: flags.tokenBudget,
          compress: flags.compress,
          onEvent,
        }).finally(() => {
          input?.close();
          talk.stop();
          draft.stop();
        });
        report(ctx, result, flags);
        if (result.specDrift && result.written && ctx.stdin.isTTY && ctx.stderr.isTTY) {
          // The offer the drift note makes, taken at once: spec.md is replaced by one of the code as it is.
          const { askYesNo } = await import('../core/tasks/index.js');
          if (await askYesNo(ctx.stdin, ctx.stderr, 'Refresh spec.md from the code now?', ctx.signal)) {
            const { specFromCode } = await import('../core/spec-from-code/index.js');
            const spec = await specFromCode(ctx, { force: true, model: flags.model });
            ctx.stderr.write(`wrote ${relative(ctx.cwd, spec.path)}\n`);
          }
        }
        if (!flags.run) return 0;
        const run = await import('../core/run/index.js');
        // The same run core as `specloop run --from changes/<slug>.md`, on the change's own branch.
        const branch = `${ctx.config.run.branchPrefix}${result.slug}`;
        const s = { ...settings!, from: result.planPath, branch };
        if (s.mode === 'team') {
          // A team works from the plan on the remote: commit it on the branch the run publishes.
          const { commitPlanOnBranch } = await import('../core/change/index.js');
          const { requireRepo } = await import('../core/git/index.js');
          const repo = await requireRepo(ctx.cwd, { env: ctx.env });
          await commitPlanOnBranch(ctx, {
            repo,
            branch,
            planPath: result.planPath,
            todoPath: result.todoPath,
          });
        }
        // The review gate (`--review` or `[run] review`), as for `specloop run`.
        const { steeringHooks } = await import('./run.js');
        const hooks = await steeringHooks(ctx, { review: flags.review }, s);
        if (s.mode !== 'solo') {
          const { runInWorktrees } = await import('./run-modes.js');
          return (await runInWorktrees(ctx, s, { hooks, json: flags.json })).exitCode;
        }
        const view = run.createRunView(ctx.stderr);
        const r = await run.runPlan(ctx, s, { onEvent: view.onEvent, hooks });
        view.summary(r);
        if (flags.json) printJson(ctx.stdout, r);
        return r.exitCode;
      }),
    );
}

async function requestText(ctx: Context, words: string[], flags: ChangeFlags): Promise<string | undefined> {
  const given = [
    words.length > 0,
    Boolean(flags.file),
    flags.issue !== undefined,
    flags.resume !== undefined,
  ];
  if (given.filter(Boolean).length > 1)
    throw new UsageError('give the request one way: as words, --file, --issue or --resume', {
      hint: 'specloop change "what to change"',
    });
  if (!flags.file) return words.join(' ').trim() || undefined;
  const path = resolve(ctx.cwd, flags.file);
  if (!existsSync(path)) throw new UsageError(`--file: ${flags.file} not found`);
  const text = (await readFile(path, 'utf8')).trim();
  if (!text) throw new UsageError(`${flags.file} is empty`, { hint: 'write the change request in it' });
  return text;
}
