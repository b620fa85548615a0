import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Context, rootOf } from '../core/context.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';
import { listOption } from './option-parsers.js';

/** Rate-limit pauses are worth a line on stderr: otherwise a wait looks like a hang. */
const onWait = (ctx: Context) => (w: { ms: number; reason: string }) =>
  ctx.stderr.write(`${w.reason}; waiting ${Math.ceil(w.ms / 1000)} s before retrying…\n`);

export function register(program: Command, app: App): void {
  const issues = program
    .command('issues')
    .description('post generated issues to GitHub, or pull open issues as runnable prompts')
    .addHelpText(
      'after',
      `
Examples:
  specloop task github-issues && specloop issues post --dry-run
  specloop issues pull --label bug && specloop run --from .specloop/out/issue-prompts.md`,
    );

  issues
    .command('post')
    .description(
      'create the issues of an issues file on GitHub (idempotent: re-running creates nothing twice)',
    )
    .argument(
      '[file]',
      'issues file (default: issues.md of `specloop task github-issues`, in .specloop/out/)',
    )
    .option('--repo <owner/name>', 'target repository (default: [github] repo in specloop.toml, else origin)')
    .option('--label <label>', 'add a label to every issue (repeatable, or comma-separated)', listOption)
    .option('--dry-run', 'print the issues that would be posted; no network, nothing written')
    .option('-y, --yes', 'post without asking (needed when not on a terminal)')
    .option('--json', 'print the outcome of every issue as JSON')
    .addHelpText(
      'after',
      `
File format: "## Issue: <title>", then an optional "Labels: a, b" line, then the body.
Hand-written files may use plain "## <title>" headings. See docs/github.md.
Auth: GITHUB_TOKEN, else \`gh auth token\`. GITHUB_API_URL selects GitHub Enterprise.

Examples:
  specloop task github-issues && specloop issues post --dry-run
  specloop issues post .specloop/out/missing-tests.md --repo me/app --label from-review --yes`,
    )
    .action(
      app.action('issues', async (ctx, given: string | undefined, opts: PostFlags) => {
        const gh = await import('../core/github/index.js');
        const file = given ?? (await draftPath(ctx, 'issues.md'));
        const render = await import('../core/github/render.js');
        const { askYesNo } = await import('../core/tasks/ask-yes-no.js');
        const { UsageError } = await import('../core/errors.js');
        const result = await gh.postIssues(ctx, {
          file,
          repo: opts.repo,
          labels: opts.label,
          dryRun: opts.dryRun,
          onWait: onWait(ctx),
          writeIntervalMs: Number(ctx.env.SPECLOOP_GITHUB_WRITE_INTERVAL_MS ?? 1000),
          confirm: async (repo, pending) => {
            ctx.stderr.write(`About to create ${pending.length} issue(s) in ${gh.repoString(repo)}:\n`);
            ctx.stderr.write(render.formatIssueList(pending, { bodyLines: 1 }));
            if (opts.yes) return true;
            if (!ctx.stdin.isTTY || !ctx.stderr.isTTY) {
              throw new UsageError('not posting without confirmation: this is not a terminal', {
                code: 'E_NOT_CONFIRMED',
                hint: 'pass --yes to post, or --dry-run to only look',
              });
            }
            return askYesNo(ctx.stdin, ctx.stderr, `Create ${pending.length} issue(s)?`, ctx.signal);
          },
        });
        if (opts.json) printJson(ctx.stdout, result);
        else if (result.dryRun) {
          const where = result.repo
            ? gh.repoString(result.repo)
            : 'GitHub (no repository known yet: pass --repo)';
          ctx.stdout.write(`Dry run: issues for ${where}\n`);
          ctx.stdout.write(render.formatIssueList(result.issues));
        } else ctx.stdout.write(render.formatPostReport(result));
        ctx.stderr.write(`${render.summarize(result)}\n`);
        const incomplete = result.issues.filter((o) => o.status === 'failed' || o.status === 'not-attempted');
        if (incomplete.length) {
          ctx.stderr.write(
            `${incomplete.length} issue(s) were not created; run the same command again to post the rest\n`,
          );
          return 1;
        }
        return 0;
      }),
    );

  issues
    .command('pull')
    .description('write open GitHub issues as a prompt file that `specloop run --from` executes')
    .option('--repo <owner/name>', 'source repository (default: [github] repo in specloop.toml, else origin)')
    .option('--label <label>', 'only issues with this label (repeatable, or comma-separated)', listOption)
    .option(
      '-o, --output <file>',
      'where to write the plan ("-" for stdout; default .specloop/out/issue-prompts.md)',
    )
    .option('--force', 'overwrite the output file if it exists')
    .option('--json', 'print the pulled issues as JSON instead of writing a file')
    .addHelpText(
      'after',
      `
Each open issue becomes one "## Step N" with a prompt ending in "Fixes #N", so the
commit that fixes it closes the issue when it reaches the default branch.

Examples:
  specloop issues pull --label bug && specloop run --from .specloop/out/issue-prompts.md
  specloop issues pull -o - | less`,
    )
    .action(
      app.action('issues', async (ctx, opts: PullFlags) => {
        const gh = await import('../core/github/index.js');
        const { UsageError } = await import('../core/errors.js');
        const { atomicWrite } = await import('../util/atomic-write.js');
        const toStdout = opts.output === '-';
        const { outputDir } = await import('../core/tasks/index.js');
        const target = resolve(ctx.cwd, opts.output ?? join(outputDir(ctx), 'issue-prompts.md'));
        const shown = relative(ctx.cwd, target);
        if (!toStdout && !opts.json && !opts.force && existsSync(target)) {
          throw new UsageError(`${shown} already exists`, {
            code: 'E_EXISTS',
            hint: 'pass --force to overwrite it, or -o another file',
          });
        }
        const result = await gh.pullIssues(ctx, {
          repo: opts.repo,
          labels: opts.label,
          onWait: onWait(ctx),
          skipFixed: true,
        });
        const repo = gh.repoString(result.repo);
        if (result.alreadyFixed.length)
          ctx.stderr.write(
            `left out ${result.alreadyFixed.map((n) => `#${n}`).join(', ')}: fixed by commits on this branch (not merged yet)\n`,
          );
        if (opts.json) return void printJson(ctx.stdout, result.issues);
        if (result.issues.length === 0)
          return void ctx.stderr.write(`no open issues in ${repo}; nothing written\n`);
        if (toStdout) return void ctx.stdout.write(result.text);
        if (!opts.output)
          await (await import('../core/tasks/index.js')).ensureOutputDir(dirname(target), rootOf(ctx));
        await atomicWrite(target, result.text);
        ctx.stderr.write(
          `wrote ${result.issues.length} step(s) from ${repo} to ${shown}${opts.output ? '' : ' (a draft: git ignores it)'}\n` +
            `next: specloop run --from ${shown}\n`,
        );
      }),
    );
}

/** A draft in the output directory (`[task] outputDir`), or where older versions wrote it (the project root). */
async function draftPath(ctx: Context, name: string): Promise<string> {
  const { outputDir } = await import('../core/tasks/index.js');
  const draft = join(outputDir(ctx), name);
  const legacy = join(rootOf(ctx), name);
  return !existsSync(draft) && existsSync(legacy) ? legacy : draft;
}

interface PostFlags {
  repo?: string;
  label?: string[];
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

interface PullFlags {
  repo?: string;
  label?: string[];
  output?: string;
  force?: boolean;
  json?: boolean;
}
