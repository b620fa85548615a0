import { Readable } from 'node:stream';
import { makeConfig } from '../../src/core/config/load.js';
import type { Context } from '../../src/core/context.js';
import type { LlmClient } from '../../src/core/llm/types.js';

export interface TestContext extends Context {
  /** Everything written to stdout / stderr so far. */
  out(): string;
  err(): string;
}

/**
 * A Context for unit tests of core functions: real dirs, a config from defaults +
 * `config` (deep partial), and optionally a scripted LLM.
 */
export function makeTestContext(opts: {
  cwd: string;
  home?: string;
  config?: Record<string, unknown>;
  llm?: LlmClient;
  env?: Record<string, string | undefined>;
  stdin?: string;
  signal?: AbortSignal;
  command?: string;
}): TestContext {
  let out = '';
  let err = '';
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]) as Readable & {
    isTTY?: boolean;
  };
  return {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    home: opts.home ?? opts.cwd,
    cacheDir: `${opts.home ?? opts.cwd}/cache`,
    config: makeConfig(opts.config ?? {}),
    projectRoot: undefined,
    taskOrigins: {},
    stdout: { write: (s) => void (out += s), isTTY: false },
    stderr: { write: (s) => void (err += s), isTTY: false },
    stdin,
    llm: async () => {
      if (!opts.llm) throw new Error('makeTestContext: no llm given to this test context');
      return opts.llm;
    },
    clock: { now: () => Date.now() },
    log: {
      info: (m) => void (err += `${m}\n`),
      warn: (m) => void (err += `warning: ${m}\n`),
      debug: () => {},
    },
    command: opts.command ?? 'test',
    signal: opts.signal ?? new AbortController().signal,
    llmOptions: {},
    verbose: false,
    out: () => out,
    err: () => err,
  };
}
