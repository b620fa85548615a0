import { Command, CommanderError, Option } from 'commander';
import type { Context } from '../core/context.js';
import { knownSecrets } from '../core/keys/index.js';
import { packageVersion, specloopHome } from '../util/paths.js';
import { redactingSink } from '../util/redact.js';
import { type App, type CliIO, type GlobalOptions, reportError } from './app.js';
import { COMMANDS, type CommandModule } from './registry.js';

function makeApp(io: CliIO, program: Command): App {
  const app: App = {
    io,
    exitCode: 0,
    action(name, fn, opts) {
      return async (...args) => {
        const global = program.opts<GlobalOptions>();
        let ctx: Context | undefined;
        try {
          // Lazy: config loading (zod, smol-toml) is not needed for --help.
          const { buildContext } = await import('./context.js');
          ctx = await buildContext(io, global, name, opts?.configOverrides?.(...args), {
            configOptional: opts?.configOptional,
          });
          const code = await fn(ctx, ...args);
          app.exitCode = typeof code === 'number' ? code : 0;
        } catch (err) {
          // A status line left by the failed work must not have the error glued to it.
          ctx?.stderr.status?.(undefined);
          app.exitCode = reportError(err, io.stderr, Boolean(global.verbose || io.env.SPECLOOP_DEBUG));
        } finally {
          ctx?.stderr.status?.(undefined);
        }
      };
    },
  };
  return app;
}

/** Where the documentation lives (package.json homepage). */
export const DOCS_URL = 'https://github.com/specloop/specloop/tree/main/docs';

/** Route commander's output to our sinks; its usage errors get the same prefix as ours. */
function output(io: CliIO) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) => write(`specloop: ${s}`),
  };
}

/**
 * The first operand of `argv` (the command's name), past the program's own options; undefined
 * when an argument is not exactly one of them (`--cwd=dir`, `-vC dir`, `--help`, `--`).
 */
function commandIn(program: Command, argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return arg;
    const option = program.options.find((o) => o.short === arg || o.long === arg);
    if (!option || option.optional) return undefined;
    if (option.required) i++; // its value
  }
  return undefined;
}

/**
 * The command modules to register for `argv`: the named command's alone when there is one
 * (commander parses, helps and fails it the same with or without the others), else all of
 * them (`--help`, `help pack`, a typo, an option commandIn cannot place, `completion`).
 */
function commandsFor(program: Command, argv: string[] | undefined): CommandModule[] {
  const name = argv && commandIn(program, argv);
  const one = COMMANDS.find((c) => c.name === name);
  return one && !one.needsAll ? [one] : COMMANDS;
}

/**
 * Build the commander program for `argv` (every command when it is not given). Command
 * modules are light: they import core code lazily.
 */
export async function buildProgram(io: CliIO, argv?: string[]): Promise<{ program: Command; app: App }> {
  const program = new Command('specloop');
  program
    .description(
      'Spec → plan → run: brainstorm an idea into spec.md, plan it into prompt_plan.md + todo.md, ' +
        'execute each step with a coding agent while tests guard it; pack a repo for an LLM and ' +
        'run review / issues / missing-tests / readme prompts over it.',
    )
    .version(packageVersion(), '-V, --version')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('--llm-record <file>', 'append every model request and response to <file> (JSONL)')
    .option('--llm-replay <file>', 'answer model calls from a recording instead of a provider')
    .option('-v, --verbose', 'debug output and stack traces on stderr')
    .addOption(new Option('--no-color', 'disable colours'))
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(output(io))
    .exitOverride();
  program.addHelpText(
    'after',
    `
Getting started:
  specloop init                      write specloop.toml (test command detected)
  specloop idea "a CLI that ..."     brainstorm one question at a time → spec.md
  specloop plan                      spec.md → prompt_plan.md + todo.md
  specloop run                       execute the next steps, one commit each
  specloop pack --stdout | specloop ask -t readme > README.md

Environment: SPECLOOP_MODEL, SPECLOOP_HOME, OPENAI_API_KEY, OPENAI_BASE_URL,
ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OLLAMA_HOST, GITHUB_TOKEN, GITHUB_API_URL.
Exit codes: 0 ok, 1 the work failed, 2 bad usage or input, 130 interrupted.
Docs: ${DOCS_URL} (also in the package's docs/ folder).`,
  );
  const app = makeApp(io, program);
  const modules = await Promise.all(commandsFor(program, argv).map((c) => c.load()));
  for (const m of modules) m.register(program, app);
  // Sub-commands inherit output routing and exit override.
  for (const cmd of program.commands) {
    cmd.configureOutput(output(io));
    cmd.exitOverride();
    for (const sub of cmd.commands) {
      sub.configureOutput(output(io));
      sub.exitOverride();
    }
  }
  return { program, app };
}

/** Run the CLI in-process; returns the exit code. Tests call this directly. */
export async function main(argv: string[], rawIo: CliIO): Promise<number> {
  // Keys and URL passwords never reach stderr, whoever writes there (docs/security.md).
  const io: CliIO = {
    ...rawIo,
    stderr: redactingSink(rawIo.stderr, () =>
      knownSecrets({ home: specloopHome(rawIo.env), env: rawIo.env }),
    ),
  };
  const { program, app } = await buildProgram(io, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; unknown options, missing arguments etc. are usage errors.
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    return reportError(err, io.stderr, false);
  }
  return app.exitCode;
}

/** The real process entry: wires process streams and signals, then exits with the code. */
export async function runMain(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\nspecloop: stopping at the next safe point (Ctrl-C again to force)\n');
      controller.abort();
    } else {
      process.exit(130);
    }
  });
  process.on('SIGTERM', () => controller.abort());
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const io: CliIO = {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
    stderr: {
      write: (s) => void process.stderr.write(s),
      isTTY: Boolean(process.stderr.isTTY),
      get columns() {
        return process.stderr.columns;
      },
    },
    signal: controller.signal,
  };
  const code = await main(process.argv.slice(2), io);
  // Let stdout drain before exiting (large packs to a pipe).
  if (process.stdout.writableLength > 0) await new Promise((r) => process.stdout.once('drain', r));
  process.exitCode = code;
  if (!controller.signal.aborted) setTimeout(() => process.exit(code), 50).unref();
}
