import { AGENT_KEYS, childEnv } from '../../../util/child-env.js';
import { run } from '../../../util/spawn.js';
import { findOnPath } from '../../../util/which.js';
import type { Context } from '../../context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { knownSecrets } from '../../keys/index.js';
import type { Usage } from '../events.js';
import type { Executor, ExecutorInput, ExecutorOptions, ExecutorResult } from './types.js';

/** Wall-clock limit of one external agent attempt when the config sets none. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** How to install each external CLI (shown when it is missing). */
export const INSTALL_HINTS: Record<string, string> = {
  aider: 'install aider: `python -m pip install aider-install && aider-install` (see https://aider.chat)',
  claude: 'install Claude Code: `npm install -g @anthropic-ai/claude-code`',
  codex: 'install the Codex CLI: `npm install -g @openai/codex`',
};

/** Resolve an external executor's CLI or fail with exit 2 naming it and how to install it. */
export function requireCli(ctx: Context, cmd: string): string {
  const found = findOnPath(cmd, ctx.env);
  if (!found)
    throw new UsageError(`the ${cmd} executor needs the \`${cmd}\` command, which is not on PATH`, {
      code: 'E_NO_EXECUTOR',
      hint: `${INSTALL_HINTS[cmd] ?? `install ${cmd}`}, or use --executor builtin`,
    });
  return found;
}

/** What every external executor's attempt gets: the resolved CLI and its time limit. */
export interface ExternalCli {
  bin: string;
  timeoutMs: number;
}

/**
 * The part every external executor shares: resolve its CLI now (missing → exit 2 with an
 * install hint, before any work starts), label it with its model, and run each attempt
 * through `attempt`.
 */
export function externalExecutor(
  ctx: Context,
  name: 'aider' | 'claude' | 'codex',
  opts: ExecutorOptions,
  attempt: (input: ExecutorInput, cli: ExternalCli) => Promise<ExecutorResult>,
): Executor {
  const cli: ExternalCli = { bin: requireCli(ctx, name), timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  return {
    name,
    label: `${name}${opts.model ? ` (${opts.model})` : ''}`,
    run: (input) => attempt(input, cli),
  };
}

export interface ParsedRun {
  usage: Usage;
  cost: number | null;
  sessionId?: string;
  summary?: string;
  /** An error the CLI reported in its output even if it exited 0. */
  error?: string;
}

export interface SpawnAgentOptions extends ExternalCli {
  args: string[];
  input: ExecutorInput;
  /** Text written to the CLI's stdin (the prompt, for claude/codex). */
  stdin?: string;
  /** Called per output line; returns an activity text to show, if any. */
  onLine: (line: string) => string | undefined;
  /** Build the result from everything the CLI printed. */
  finish: () => ParsedRun;
}

function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      onLine(buf.slice(0, nl).replace(/\r$/, ''));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  };
}

/**
 * Spawn an agent CLI in the repo, stream its output into activity events, and turn its exit
 * into an ExecutorResult. A zero exit is NOT success: the step loop's own checks decide.
 */
export async function spawnAgent(ctx: Context, o: SpawnAgentOptions): Promise<ExecutorResult> {
  const { input } = o;
  const handle = (line: string) => {
    if (!line.trim()) return;
    const text = o.onLine(line);
    if (text) input.onEvent({ type: 'activity', step: input.step, text: text.slice(0, 200) });
  };
  if (input.signal.aborted) throw new InterruptedError();
  const name = o.bin.split('/').pop() ?? o.bin;
  const r = await run(o.bin, o.args, {
    cwd: input.repoDir,
    // The agent's own key only: no other credential reaches code the agent runs (child-env.ts).
    env: {
      ...childEnv(ctx.env, { keep: AGENT_KEYS[name] ?? [], secrets: knownSecrets(ctx) }),
      NO_COLOR: '1',
    },
    input: o.stdin,
    timeoutMs: o.timeoutMs,
    signal: input.signal,
    onStdout: lineSplitter(handle),
    onStderr: lineSplitter(handle),
  });
  if (input.signal.aborted) throw new InterruptedError();
  const parsed = o.finish();
  if (parsed.usage.inputTokens || parsed.usage.outputTokens || parsed.cost)
    input.onEvent({ type: 'usage', step: input.step, ...parsed.usage, cost: parsed.cost });
  let reason: string | undefined;
  if (r.timedOut) reason = `${name} was killed after ${Math.round(o.timeoutMs / 1000)} s`;
  else if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n');
    reason = `${name} exited with code ${r.code ?? r.signal}${tail ? `: ${tail}` : ''}`;
  } else if (parsed.error) reason = `${name} reported an error: ${parsed.error}`;
  return {
    ok: reason === undefined,
    reason,
    summary: parsed.summary,
    usage: parsed.usage,
    cost: parsed.cost,
    sessionId: parsed.sessionId,
  };
}

/** Parse a JSON line, or undefined (CLIs mix logs into their JSON streams). */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
