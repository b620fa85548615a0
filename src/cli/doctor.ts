import type { Command } from 'commander';
import type { DoctorReport } from '../core/doctor/index.js';
import type { App } from './app.js';
import { printJson } from './json-output.js';

const MARK = { ok: '✔', warn: '!', fail: '✖', info: '·' } as const;

export function register(program: Command, app: App): void {
  program
    .command('doctor')
    .description('check this machine and project: versions, config, keys, executors, tests, sandbox')
    .option('--online', 'make one cheap model call per provider the roles use')
    .option('--tests', 'run the test command once on a clean checkout of HEAD (a temporary worktree)')
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      `
Keys are reported present or absent, never their values. Nothing is written; without
--online no model is called. Exit code 1 when a check fails (a missing key for a role,
a configured executor not on PATH, Node older than 20.19, no git).

Examples:
  specloop doctor
  specloop doctor --online --tests
  specloop doctor --json | jq '.checks[] | select(.status != "ok")'`,
    )
    .action(
      app.action('doctor', async (ctx, flags: { online?: boolean; tests?: boolean; json?: boolean }) => {
        const { runDoctor } = await import('../core/doctor/index.js');
        const report = await runDoctor(ctx, { online: flags.online, runTests: flags.tests });
        if (flags.json) printJson(ctx.stdout, report);
        else ctx.stdout.write(renderReport(report));
        return report.ok ? 0 : 1;
      }),
    );
}

function renderReport(r: DoctorReport): string {
  const out: string[] = [];
  let group = '';
  for (const c of r.checks) {
    if (c.group !== group) {
      out.push(`${out.length ? '\n' : ''}${c.group}`);
      group = c.group;
    }
    out.push(`  ${MARK[c.status]} ${c.name.padEnd(14)} ${c.detail}`);
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  out.push('', failed ? `${failed} check(s) failed` : 'everything specloop needs is in place');
  return `${out.join('\n')}\n`;
}
