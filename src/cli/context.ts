import { resolve } from 'node:path';
import { defaultConfig } from '../core/config/defaults.js';
import { loadConfigLazily } from '../core/config/lazy-load.js';
import type { LoadedConfig } from '../core/config/load.js';
import { firstSightOfTestCommand } from '../core/config/trust.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { LlmClient } from '../core/llm/types.js';
import { specloopCacheDir, specloopHome } from '../util/paths.js';
import { calmSink } from '../util/progress.js';
import { findProjectRoot } from '../util/project-root.js';
import type { CliIO, GlobalOptions } from './app.js';

const NO_TRUST_CHECK = new Set(['trust', 'init']);
/** Commands that run the project's test command. */
const TEST_COMMANDS = new Set(['run', 'team']);

/**
 * The project's test command is the project's code and stays its own (no trust needed), but
 * the user sees each new value once before it first runs (unless the file is trusted).
 */
function showNewTestCommand(io: CliIO, home: string, loaded: LoadedConfig): void {
  const p = loaded.project;
  const test = p?.data.test as { command?: unknown } | undefined;
  if (!p || typeof test?.command !== 'string') return;
  if (!firstSightOfTestCommand({ home, file: p.file, text: p.text, command: test.command })) return;
  io.stderr.write(
    `specloop: ${p.file} sets the test command \`${test.command}\`; it runs as you, after every step (shown once per new value; \`specloop trust\` to mark the file reviewed)\n`,
  );
}

/**
 * Build the Context for one command run. Config is loaded now (the schema only when there is
 * a config file: `loadConfigLazily`); the LLM client on first use.
 */
export async function buildContext(
  io: CliIO,
  global: GlobalOptions,
  command: string,
  overrides?: Record<string, unknown>,
  opts: { configOptional?: boolean } = {},
): Promise<Context> {
  const cwd = global.cwd ? resolve(io.cwd, global.cwd) : io.cwd;
  // --no-color means what NO_COLOR means, for us and for the tools we start.
  const env = global.color === false ? { ...io.env, NO_COLOR: '1' } : io.env;
  const home = specloopHome(env);
  const stderr = calmSink(io.stderr, { env });
  let loaded: LoadedConfig;
  try {
    // `trust` must read the file it is asked to trust; `init --force` repairs a config.
    loaded = await loadConfigLazily({ cwd, env, home, overrides, checkTrust: !NO_TRUST_CHECK.has(command) });
  } catch (err) {
    if (!opts.configOptional || !(err instanceof UsageError)) throw err;
    stderr.write(`warning: ignoring invalid configuration: ${err.message}\n`);
    loaded = { config: defaultConfig(), sources: [], taskOrigins: {} };
  }
  if (TEST_COMMANDS.has(command)) showNewTestCommand(io, home, loaded);
  const verbose = Boolean(global.verbose || env.SPECLOOP_DEBUG);
  const root = findProjectRoot(cwd, loaded.projectRoot);
  if (verbose) stderr.write(`debug: project root: ${root.dir} (${root.reason})\n`);
  let llm: Promise<LlmClient> | undefined;
  const ctx: Context = {
    cwd,
    env,
    home,
    cacheDir: specloopCacheDir(env),
    config: loaded.config,
    projectRoot: loaded.projectRoot,
    root: root.dir,
    taskOrigins: loaded.taskOrigins,
    stdout: io.stdout,
    stderr,
    stdin: io.stdin,
    clock: { now: () => Date.now() },
    log: {
      info: (m) => stderr.write(`${m}\n`),
      warn: (m) => stderr.write(`warning: ${m}\n`),
      debug: (m) => {
        if (verbose) stderr.write(`debug: ${m}\n`);
      },
    },
    command,
    signal: io.signal,
    llmOptions: { record: global.llmRecord, replay: global.llmReplay },
    verbose,
    llm: () => {
      llm ??= import('../core/llm/index.js').then((m) => m.createLlmClient(ctx));
      return llm;
    },
  };
  return ctx;
}
