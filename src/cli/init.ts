import type { Command } from 'commander';
import type { App } from './app.js';
import { printJson } from './json-output.js';

interface InitFlags {
  force?: boolean;
  testCmd?: string;
  json?: boolean;
  showConfig?: boolean;
  fromRepomix?: boolean;
}

export function register(program: Command, app: App): void {
  program
    .command('init')
    .description(
      'write a commented specloop.toml (test command detected) and ignore .specloop/ runtime files',
    )
    .option('-f, --force', 'replace an existing specloop.toml')
    .option('--test-cmd <command>', 'the test command to record (default: detected)')
    .option(
      '--show-config',
      'write nothing; print the merged configuration and the files it came from (JSON)',
    )
    .option('--from-repomix', 'convert ./repomix.config.json into [pack] keys')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The test command is detected from, first match wins: package.json (scripts.test; npm,
pnpm, yarn or bun by lockfile), pyproject.toml (pytest), Cargo.toml (cargo test), go.mod
(go test ./...), a Makefile with a test: target (make test).
.gitignore gets ".specloop/*" and "!.specloop/templates/" (once), so run state stays out
of git while project templates can be committed. See docs/config.md for every key.

Examples:
  specloop init
  specloop init --test-cmd "pytest -q"
  specloop init --show-config          # which files and env vars set what
  specloop init --from-repomix         # carry repomix.config.json over into [pack]`,
    )
    .action(
      app.action(
        'init',
        async (ctx, flags: InitFlags) => {
          const { initProject, showConfig } = await import('../core/init/index.js');
          if (flags.showConfig) {
            printJson(ctx.stdout, showConfig(ctx));
            return 0;
          }
          const r = await initProject(ctx, {
            force: flags.force,
            testCommand: flags.testCmd,
            fromRepomix: flags.fromRepomix,
          });
          if (flags.json) {
            printJson(ctx.stdout, r);
            return 0;
          }
          ctx.stdout.write(`${r.configPath}\n`);
          const verb = r.overwritten ? 'replaced' : 'wrote';
          ctx.stderr.write(`${verb} ${r.configPath} (model ${r.model})\n`);
          ctx.stderr.write(
            r.testCommand
              ? `test command: ${r.testCommand} (from ${r.testSource})\n`
              : 'no test command detected: set [test] command in specloop.toml before `specloop run`\n',
          );
          if (r.repomix) {
            const conv = r.repomix.converted.map(([from, to]) => `${from} → ${to}`).join(', ');
            ctx.stderr.write(`from repomix.config.json: ${conv || 'nothing to convert'}\n`);
            if (r.repomix.unmapped.length)
              ctx.stderr.write(`no [pack] equivalent (left out): ${r.repomix.unmapped.join(', ')}\n`);
          }
          if (r.gitignore.added.length > 0)
            ctx.stderr.write(`added to ${r.gitignore.path}: ${r.gitignore.added.join(' ')}\n`);
          if (r.gitignore.warning) ctx.log.warn(r.gitignore.warning);
          // A new file below an existing project config hides it for everything under here.
          if (ctx.projectRoot && ctx.projectRoot !== ctx.cwd)
            ctx.log.warn(
              `this specloop.toml takes precedence over ${ctx.projectRoot}/specloop.toml below ${ctx.cwd}`,
            );
          return 0;
        },
        { configOptional: true },
      ),
    );
}
