import { type Command, InvalidArgumentError } from 'commander';
import type { Context } from '../core/context.js';
import type { RunSettings } from '../core/run/index.js';
import { shellWord } from '../util/shell-word.js';
import type { App } from './app.js';
import { faultsFromEnv } from './fault-hooks.js';
import { printJson } from './json-output.js';
import { positiveInt } from './option-parsers.js';

const usd = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected an amount in USD, e.g. 2.50');
  return n;
};

const EXAMPLES = `
Examples:
  specloop run                        run every remaining step on branch specloop/<plan>
  specloop run --next                 run one step
  specloop run --step 4               (re)try step 4 only, e.g. after fixing it by hand
  specloop run --until 6 --max-cost 3 --executor claude
  specloop run --from issue-prompts.md --no-branch
  specloop run --dry-run              show the branch and the steps that would run
  specloop run --parallel 3           up to 3 independent steps at once (git worktrees)
  specloop run --team --remote origin share the plan with teammates through the remote
  specloop run --review               accept or reject each green step (here or in \`specloop board\`)
  specloop run --step 3 --redo        undo step 3 and run it again (with --team: on the remote)

A step is committed (trailer "Specloop-Step: N", todo.md ticked in the same commit) only
when it changed files, the test command passes when specloop runs it, and for test-driven
steps a test file changed. Interrupt any time: the next run continues where it stopped.
See docs/run.md.`;

export function register(program: Command, app: App): void {
  program
    .command('run')
    .description('execute the plan step by step: agent, tests, one commit per green step')
    .option('--step <n>', 'run only step N', positiveInt)
    .option('--next', 'run only the next step')
    .option('--all', 'run every remaining step (the default)')
    .option('--until <n>', 'run the remaining steps up to and including step N', positiveInt)
    .option('--executor <name>', 'builtin | aider | claude | codex (default: config run.executor)')
    .option('-m, --model <model>', 'model: provider:model for builtin, passed through to aider/claude/codex')
    .option('--test-cmd <cmd>', 'test command (default: config test.command)')
    .option(
      '--test-timeout <seconds>',
      'kill the test command after this long (default: config test.timeoutSec)',
      positiveInt,
    )
    .option('--max-attempts <n>', 'attempts per step, each with the last failure (default 3)', positiveInt)
    .option('--branch <name>', 'work on this branch (created if needed) instead of specloop/<plan>')
    .option('--no-branch', 'work on the current branch')
    .option('--from <file>', 'run the steps of this prompt_plan-format file (todo: <file>.todo.md)')
    .option('--max-cost <usd>', 'stop before spending more than this (USD)', usd)
    .option('--no-tdd', 'do not require a changed test file for steps that ask for tests')
    .option('--dry-run', 'print the branch and the steps that would run; change nothing')
    .option(
      '--allow-red',
      'start even if the tests fail before the first step (each step must still leave them green)',
    )
    .option('-y, --yes', 'start on a dirty tree: commit it as "specloop: save work before run"')
    .option('--json', 'print the run summary as JSON on stdout')
    .option('--parallel <n>', 'run up to N ready steps at once, each in its own git worktree', positiveInt)
    .option('--team', 'team mode: claim steps on the git remote, land them fast-forward only')
    .option('--remote <name>', 'remote for --team (default: config team.remote)')
    .option(
      '--review',
      'review each green step before it lands, in this terminal or `specloop board`: accept, view the diff, reject with a comment, skip, stop',
    )
    .option('--no-review', 'do not review (overrides config run.review)')
    .option('--redo', 'with --step N: undo step N if it landed, then run it again')
    .addHelpText('after', EXAMPLES)
    .action(
      app.action('run', async (base, o: Record<string, unknown>, cmd: Command) => {
        const fromCli = (k: string) => cmd.getOptionValueSource(k) === 'cli';
        const ctx: Context = { ...base, faults: faultsFromEnv(base.env.SPECLOOP_CRASH_AT) };
        const run = await import('../core/run/index.js');
        const { killLiveGroups } = await import('../util/spawn.js');
        // Flags + config → one validated RunSettings, the same object for every mode.
        const settings = run.resolveRunSettings(ctx, {
          step: o.step as number | undefined,
          next: o.next as boolean | undefined,
          all: o.all as boolean | undefined,
          until: o.until as number | undefined,
          executor: o.executor as string | undefined,
          model: o.model as string | undefined,
          testCommand: o.testCmd as string | undefined,
          testTimeoutSec: o.testTimeout as number | undefined,
          maxAttempts: o.maxAttempts as number | undefined,
          tdd: fromCli('tdd') ? (o.tdd as boolean) : undefined,
          branch: o.branch === false ? false : typeof o.branch === 'string' ? o.branch : undefined,
          from: o.from as string | undefined,
          maxCost: o.maxCost as number | undefined,
          dryRun: o.dryRun as boolean | undefined,
          yes: o.yes as boolean | undefined,
          parallel: o.parallel as number | undefined,
          team: o.team as boolean | undefined,
          remote: o.remote as string | undefined,
          allowRed: o.allowRed as boolean | undefined,
        });
        if (settings.dryRun) {
          // stderr: the dry-run text on stdout is the same in every mode.
          const { sandboxAvailable } = await import('../util/sandbox.js');
          const sb = sandboxAvailable(ctx.env);
          const use = ctx.config.test.sandbox ? 'on' : 'off ([test] sandbox = true turns it on)';
          ctx.stderr.write(
            `sandbox: ${use}; ${sb.available ? `available (${sb.tool})` : `unavailable: ${sb.reason}`}\n`,
          );
        }
        const hooks = await steeringHooks(ctx, o, settings);
        const started = ctx.clock.now();
        // When a long run ends, a bell and a desktop notification, so the user can look away.
        const notify = (r: { exitCode: number }, body: string) =>
          !settings.dryRun &&
          endOfRunNotice(
            ctx,
            started,
            r.exitCode === 0 ? 'specloop run: done' : 'specloop run stopped',
            body,
          );
        // Closing the terminal must not leave an executor editing the tree: kill the children.
        const onHangup = () => {
          killLiveGroups();
          process.exit(129);
        };
        process.once('SIGHUP', onHangup);
        try {
          if (settings.mode !== 'solo') {
            const { runInWorktrees } = await import('./run-modes.js');
            const r = await runInWorktrees(ctx, settings, { hooks, json: Boolean(o.json) });
            await notify(
              r,
              r.exitCode === 0 ? 'every ready step has landed' : `exit ${r.exitCode}: see the terminal`,
            );
            return r.exitCode;
          }
          const view = run.createRunView(ctx.stderr);
          const result = await run
            .runPlan(ctx, settings, { onEvent: view.onEvent, hooks })
            .catch((err) => withResumeCommand(err, o));
          view.summary(result);
          if (
            !result.dryRun &&
            result.exitCode === 0 &&
            result.steps.length > 0 &&
            result.remaining.length === 0
          ) {
            const { requireRepo } = await import('../core/git/index.js');
            const hint = await run.mergeHint(ctx, {
              repo: await requireRepo(ctx.cwd, { env: ctx.env }),
              branch: result.branch,
            });
            if (hint) ctx.stderr.write(`all ${result.total} steps are done; ${hint}\n`);
          }
          if (o.json) printJson(ctx.stdout, result);
          else if (result.dryRun) ctx.stdout.write(run.renderDryRun(result));
          const last = result.steps.at(-1);
          await notify(
            result,
            result.exitCode === 0
              ? `${result.steps.length} step(s) committed on ${result.branch}; ${result.done.length}/${result.total} done`
              : last && !last.ok
                ? `step ${last.step} failed: ${last.reason ?? 'see the terminal'}`
                : result.stopped === 'cost-limit'
                  ? 'the cost limit was reached'
                  : `exit ${result.exitCode}: see the terminal`,
          );
          return result.exitCode;
        } finally {
          process.removeListener('SIGHUP', onHangup);
        }
      }),
    );
}

/**
 * The end of a long run (run.notifyAfterSec, default 30 s) in a terminal: the bell, and
 * with run.notify = "auto" a desktop notification where one can be shown.
 */
async function endOfRunNotice(ctx: Context, started: number, title: string, body: string): Promise<void> {
  const { notify, notifyAfterSec } = ctx.config.run;
  if (notify === 'off' || !ctx.stderr.isTTY) return;
  if (ctx.clock.now() - started < notifyAfterSec * 1000) return;
  ctx.stderr.write('\x07');
  if (notify !== 'auto') return;
  const { notifyDesktop } = await import('../util/notify.js');
  await notifyDesktop(title, body, { cwd: ctx.cwd, env: ctx.env });
}

/**
 * `--review` (or `[run] review`) and `--redo`: the review gate joins the run's pre-land
 * checks; `--redo` undoes the landed step before the run starts (in --team: on the
 * integration branch, pushed fast-forward). `--redo` needs `--step N` or stops with exit 2.
 */
export async function steeringHooks(ctx: Context, o: Record<string, unknown>, settings: RunSettings) {
  const { UsageError } = await import('../core/errors.js');
  if (o.redo) {
    if (settings.selection.kind !== 'step')
      throw new UsageError('--redo needs --step N: the step to undo and run again', {
        hint: 'specloop run --step 3 --redo',
      });
    if (!settings.dryRun) {
      const { undoStep, undoOnRemote } = await import('../core/undo/index.js');
      const step = settings.selection.n;
      // --team: the revert is pushed fast-forward to the integration branch; the run then
      // re-runs the step and lands it through the integration queue like any other.
      const undo =
        settings.mode === 'team'
          ? undoOnRemote(ctx, {
              step,
              from: settings.from,
              remote: settings.remote,
              branch: typeof settings.branch === 'string' ? settings.branch : undefined,
            })
          : undoStep(ctx, { step, from: settings.from });
      const r = await undo.catch((err) => {
        if ((err as { code?: string }).code === 'E_NOTHING_TO_UNDO') return undefined; // not landed: just run it
        throw err;
      });
      if (r)
        ctx.stderr.write(
          `undid step ${r.step} (revert ${r.revert?.slice(0, 10)}${'pushed' in r ? `, pushed to ${r.pushed}` : ''}); running it again\n`,
        );
    }
  }
  const review = o.review === undefined ? ctx.config.run.review : Boolean(o.review);
  if (!review || settings.dryRun) return undefined;
  return reviewHooks(ctx);
}

/**
 * The review gate. Every question is also written under `.specloop/review/` so
 * `specloop board` can answer it; with a terminal, the prompt asks too and the first answer
 * wins. Without one, the run waits for the board (it says where).
 */
async function reviewHooks(ctx: Context) {
  const { createReviewGate, sharedReviewer, boardAddress, describeAnswer } = await import(
    '../core/review/index.js'
  );
  const { requireRepo } = await import('../core/git/index.js');
  const root = await requireRepo(ctx.cwd, { env: ctx.env });
  const tty = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY);
  const terminal = tty ? (await import('./review-prompt.js')).terminalReviewer(ctx) : undefined;
  const gate = createReviewGate(
    sharedReviewer({
      root,
      terminal,
      now: () => ctx.clock.now(),
      onWaiting: (p) =>
        void boardAddress(root).then((b) => {
          const where = b
            ? `open ${b.url.replace(/\/?$/, '/')}#/step/${p.step}${b.tokenRequired ? ' (with the token it printed)' : ''}`
            : 'start it in this repository: specloop board --open';
          ctx.stderr.write(
            `step ${p.step} (attempt ${p.attempt}) is green; waiting for review in \`specloop board\` … ${where}\n`,
          );
        }),
      // With a terminal the withdrawn question's line is still open: start a new one.
      onAnswered: (a, p) => ctx.stderr.write(`${tty ? '\n' : ''}step ${p.step}: ${describeAnswer(a)}\n`),
    }),
  );
  return { preLand: [gate.check], attempts: [gate.observer] };
}

/** After Ctrl-C: the exact command that continues this run (same plan, selection and mode). */
async function withResumeCommand(err: unknown, o: Record<string, unknown>): Promise<never> {
  const { InterruptedError } = await import('../core/errors.js');
  if (!(err instanceof InterruptedError) || /resume with:/.test(err.message)) throw err;
  const args = ['specloop run'];
  for (const [flag, key] of [
    ['--from', 'from'],
    ['--step', 'step'],
    ['--until', 'until'],
    ['--executor', 'executor'],
    ['-m', 'model'],
    ['--parallel', 'parallel'],
    ['--remote', 'remote'],
  ] as const)
    if (o[key] !== undefined) args.push(flag, shellWord(o[key]));
  if (typeof o.branch === 'string') args.push('--branch', shellWord(o.branch));
  if (o.branch === false) args.push('--no-branch');
  for (const [flag, key] of [
    ['--next', 'next'],
    ['--team', 'team'],
    ['--review', 'review'],
  ] as const)
    if (o[key] === true) args.push(flag);
  throw new InterruptedError(`${err.message}\n  resume with: ${args.join(' ')}`);
}
