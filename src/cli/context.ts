import { resolve } from 'node:path';
import { type LoadedConfig, loadConfig, makeConfig } from '../core/config/load.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { LlmClient } from '../core/llm/types.js';
import { specloopCacheDir, specloopHome } from '../util/paths.js';
import { calmSink } from '../util/progress.js';
import { findProjectRoot } from '../util/project-root.js';
import type { CliIO, GlobalOptions } from './app.js';

/** Build the Context for one command run. Config is loaded now; the LLM client on first use. */
export function buildContext(
  io: CliIO,
  global: GlobalOptions,
  command: string,
  overrides?: Record<string, unknown>,
  opts: { configOptional?: boolean } = {},
): Context {
  const cwd = global.cwd ? resolve(io.cwd, global.cwd) : io.cwd;
  // --no-color means what NO_COLOR means, for us and for the tools we start.
  const env = global.color === false ? { ...io.env, NO_COLOR: '1' } : io.env;
  const home = specloopHome(env);
  const stderr = calmSink(io.stderr, { env });
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ cwd, env, home, overrides });
  } catch (err) {
    if (!opts.configOptional || !(err instanceof UsageError)) throw err;
    stderr.write(`warning: ignoring invalid configuration: ${err.message}\n`);
    loaded = { config: makeConfig({}), sources: [], taskOrigins: {} };
  }
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
