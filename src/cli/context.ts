import { resolve } from 'node:path';
import { type LoadedConfig, loadConfig, makeConfig } from '../core/config/load.js';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import type { LlmClient } from '../core/llm/types.js';
import { specloopCacheDir, specloopHome } from '../util/paths.js';
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
  const home = specloopHome(io.env);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ cwd, env: io.env, home, overrides });
  } catch (err) {
    if (!opts.configOptional || !(err instanceof UsageError)) throw err;
    io.stderr.write(`warning: ignoring invalid configuration: ${err.message}\n`);
    loaded = { config: makeConfig({}), sources: [], taskOrigins: {} };
  }
  const verbose = Boolean(global.verbose || io.env.SPECLOOP_DEBUG);
  let llm: Promise<LlmClient> | undefined;
  const ctx: Context = {
    cwd,
    env: io.env,
    home,
    cacheDir: specloopCacheDir(io.env),
    config: loaded.config,
    projectRoot: loaded.projectRoot,
    taskOrigins: loaded.taskOrigins,
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin,
    clock: { now: () => Date.now() },
    log: {
      info: (m) => io.stderr.write(`${m}\n`),
      warn: (m) => io.stderr.write(`warning: ${m}\n`),
      debug: (m) => {
        if (verbose) io.stderr.write(`debug: ${m}\n`);
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
