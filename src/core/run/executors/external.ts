import { isAbsolute, relative } from 'node:path';
import { AGENT_KEYS, childEnv } from '../../../util/child-env.js';
import { formatUsd } from '../../../util/format.js';
import { shellWord } from '../../../util/shell-word.js';
import { run } from '../../../util/spawn.js';
import { findOnPath } from '../../../util/which.js';
import type { Context } from '../../context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { knownSecrets } from '../../keys/index.js';
import { HINTS, InfraError, type InfraKind, infraMessage, infraOf } from '../../llm/infra-error.js';
import { probeEndpoint } from '../../llm/probe-endpoint.js';
import { type Usage, zeroUsage } from '../events.js';
import type { Executor, ExecutorInput, ExecutorOptions, ExecutorResult } from './types.js';

// The part every external agent CLI shares: find it, spawn it in the repo, split its output
// into lines for the CLI's own parser, keep the raw output for the run record, and turn its
// exit + what the parser found into one ExecutorResult with a one-line reason. A new
// executor is one small file: its argv and a LineParser.

/** Wall-clock limit of one external agent attempt when the config sets none. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** Raw output kept per stream for the run record (the tail, when longer). */
const MAX_RAW = 2 * 1024 * 1024;

export type ExternalName = 'aider' | 'claude' | 'codex';

/** How to install each external CLI (shown when it is missing). */
export const INSTALL_HINTS: Record<string, string> = {
  aider: 'install aider: `python -m pip install aider-install && aider-install` (see https://aider.chat)',
  claude: 'install Claude Code: `npm install -g @anthropic-ai/claude-code`',
  codex: 'install the Codex CLI: `npm install -g @openai/codex`',
};

/** What to check when a CLI reports a key / model / endpoint problem. */
const INFRA_HINTS: Record<ExternalName, string> = {
  aider: 'check the model (--model) and the API key variable aider reads for it, then run again',
  claude:
    'Claude Code reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL: check them and the model (--model), then run again (docs/run.md, "Claude Code")',
  codex:
    'check OPENAI_API_KEY, the endpoint codex uses (OPENAI_BASE_URL or ~/.codex/config.toml) and the model (--model), then run again (docs/run.md, "Codex")',
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

/** What the parser may report while the CLI runs. */
export interface Emit {
  /** What the agent is doing now (the live status line). */
  activity(text: string): void;
  /** Something the user should see even without -v (a reconnect, a warning). */
  notice(text: string): void;
  /**
   * USD this attempt has spent so far, as the CLI's usage reports (or, between them, an
   * estimate per model call) stream in: at the attempt's --max-cost budget the CLI is stopped.
   */
  spent(usd: number): void;
  /**
   * The CLI says it cannot connect to its model endpoint and keeps retrying (Codex waits for
   * the network forever; Claude retries for minutes): probe `url` once, and when nothing
   * answers there (refused, unknown host, TLS) stop the CLI and the run with that cause.
   */
  connectionFailed(url: string | undefined, said: string): void;
  /** Stop the CLI now: the run ends with this infrastructure failure (InfraError). */
  stop(kind: InfraKind, detail: string): void;
}

/** What the CLI's output said, once it exited. */
export interface ParsedRun {
  /** Undefined: the CLI reported no usage (shown as "usage unknown", never as 0 tokens). */
  usage?: Usage;
  cost: number | null;
  sessionId?: string;
  /** The agent's final message (goes into the step commit's body). */
  summary?: string;
  /** Why the attempt failed, in the CLI's own words (from its structured output). */
  error?: string;
  /** The failure is the infrastructure's (key, model, endpoint …): stop the run. */
  infra?: InfraKind;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** One CLI's output format. */
export interface LineParser {
  /** One line of stdout. */
  line(line: string, emit: Emit): void;
  /** One line of stderr (default: kept in the raw log only). */
  stderr?(line: string, emit: Emit): void;
  finish(exit: CliExit): ParsedRun;
}

export interface ExternalAttempt {
  args: string[];
  /** Text written to the CLI's stdin (the prompt, for claude/codex). */
  stdin?: string;
  /** Extra environment for the CLI (on top of the context's). */
  env?: Record<string, string>;
  parser: LineParser;
}

/**
 * Build an external executor: resolve its CLI now (missing → exit 2 with an install hint,
 * before any work starts), label it with its model, and run each attempt as `attempt` says.
 */
export function externalExecutor(
  ctx: Context,
  name: ExternalName,
  opts: ExecutorOptions,
  attempt: (input: ExecutorInput) => ExternalAttempt | Promise<ExternalAttempt>,
): Executor {
  const bin = requireCli(ctx, name);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    name,
    label: `${name}${opts.model ? ` (${opts.model})` : ''}`,
    run: async (input) => spawnAgent(ctx, { name, bin, timeoutMs, input, ...(await attempt(input)) }),
  };
}

function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      if (line.trim()) onLine(line);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  };
}

const oneLine = (text: string, max: number) => {
  const first = text.split('\n', 1)[0] as string;
  const cut = first.length > max ? `${first.slice(0, max)}…` : first;
  return cut.length < text.length && !cut.endsWith('…') ? `${cut} …` : cut;
};

const tail = (s: string) => (s.length > MAX_RAW ? s.slice(-MAX_RAW) : s);

/** The raw output as one text for the run record: command line, both streams, exit. */
export function rawTranscript(bin: string, args: string[], exit: CliExit): string {
  return [
    `$ ${bin} ${args.map(shellWord).join(' ')}`,
    `exit: ${exit.timedOut ? 'killed (time limit)' : (exit.code ?? exit.signal)}`,
    '--- stdout ---',
    tail(exit.stdout),
    '--- stderr ---',
    tail(exit.stderr),
  ].join('\n');
}

/**
 * The line of a CLI's stderr most likely to say why it failed: one naming an error, else the
 * last line that is not a warning, else the last line.
 */
export function stderrReason(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.filter((l) => /\b(error|fatal|failed|exception)\b/i.test(l) && !/^warn/i.test(l));
  const pick = err.at(-1) ?? lines.filter((l) => !/^warn(ing)?\b/i.test(l)).at(-1) ?? lines.at(-1);
  return pick?.slice(0, 300);
}

interface SpawnAgent extends ExternalAttempt {
  name: ExternalName;
  bin: string;
  timeoutMs: number;
  input: ExecutorInput;
}

/**
 * Spawn an agent CLI in the repo, stream its lines through the parser into activity events,
 * and turn its exit into an ExecutorResult. A zero exit is NOT success: the step loop's own
 * checks decide. An infrastructure failure the CLI reports (rejected key, unknown model …)
 * throws an InfraError: the run stops instead of trying the step again.
 */
async function spawnAgent(ctx: Context, o: SpawnAgent): Promise<ExecutorResult> {
  const { input, name } = o;
  // --max-cost during the attempt: the budget left is checked after each call's usage, so it
  // is never passed by more than that one call; the CLI's whole process group is killed.
  const budget = new AbortController();
  let spent = 0;
  // An infrastructure failure seen while the CLI still runs (see Emit.connectionFailed).
  const halt = new AbortController();
  let infraStop: { kind: InfraKind; detail: string } | undefined;
  let probe: Promise<void> | undefined;
  const stop = (kind: InfraKind, detail: string) => {
    if (infraStop) return;
    infraStop = { kind, detail };
    halt.abort();
  };
  const emit: Emit = {
    // One line each: a heredoc in a shell command must not flood the terminal.
    activity: (text) => input.onEvent({ type: 'activity', step: input.step, text: oneLine(text, 200) }),
    notice: (text) => input.onEvent({ type: 'note', text: `  ${name}: ${oneLine(text, 300)}` }),
    spent: (usd) => {
      spent = usd;
      if (input.maxCost !== undefined && usd >= input.maxCost && !budget.signal.aborted) budget.abort();
    },
    connectionFailed: (url, said) => {
      if (probe || !url) return;
      probe = probeEndpoint(url).then((f) => {
        if (f) stop(f.kind, `${f.detail}; ${name} said: ${said}`);
      });
    },
    stop,
  };
  if (input.signal.aborted) throw new InterruptedError();
  const r = await run(o.bin, o.args, {
    cwd: input.repoDir,
    // The agent's own key only: no other credential reaches code the agent runs (child-env.ts);
    // o.env is what this executor itself sets (e.g. its provider overrides).
    env: {
      ...childEnv(ctx.env, { keep: AGENT_KEYS[name] ?? [], secrets: knownSecrets(ctx) }),
      ...o.env,
      NO_COLOR: '1',
    },
    input: o.stdin,
    timeoutMs: o.timeoutMs,
    signal: AbortSignal.any([input.signal, budget.signal, halt.signal]),
    onStdout: lineSplitter((l) => o.parser.line(l, emit)),
    onStderr: lineSplitter((l) => o.parser.stderr?.(l, emit)),
  });
  if (input.signal.aborted) throw new InterruptedError();
  const exit: CliExit = {
    code: r.code,
    signal: r.signal,
    timedOut: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr,
  };
  const parsed = o.parser.finish(exit);
  const transcript = rawTranscript(o.bin, o.args, exit);
  // A CLI that failed on its own while the probe ran: the probe's verdict names the cause.
  if (!r.timedOut && (r.code !== 0 || parsed.error)) await probe;
  if (infraStop)
    throw new InfraError(
      infraStop.kind,
      `${name} failed: ${infraMessage(infraStop.kind, infraStop.detail)}`,
      {
        hint: INFRA_HINTS[name],
        transcript,
      },
    );
  if (budget.signal.aborted) {
    // The cost limit, not a failure of the CLI: no reason from its (cut off) output.
    const cost = Math.max(parsed.cost ?? 0, spent);
    input.onEvent({ type: 'usage', step: input.step, ...(parsed.usage ?? zeroUsage()), cost });
    return {
      ok: false,
      stopped: 'cost-limit',
      reason: `cost limit reached during the attempt: ${name} was stopped after spending ${formatUsd(cost)} of the ${formatUsd(input.maxCost ?? 0)} left (--max-cost)`,
      usage: parsed.usage ?? zeroUsage(),
      usageKnown: parsed.usage !== undefined,
      cost,
      sessionId: parsed.sessionId,
      transcript,
    };
  }
  if (parsed.usage || parsed.cost !== null)
    input.onEvent({
      type: 'usage',
      step: input.step,
      ...(parsed.usage ?? { inputTokens: 0, outputTokens: 0 }),
      cost: parsed.cost,
    });
  let reason: string | undefined;
  if (r.timedOut) reason = `${name} was killed after ${Math.round(o.timeoutMs / 1000)} s`;
  else if (parsed.error) reason = `${name}: ${parsed.error}`;
  else if (r.code !== 0) {
    const why = stderrReason(r.stderr) ?? stderrReason(r.stdout);
    reason = `${name} exited with code ${r.code ?? r.signal}${why ? `: ${why}` : ''}`;
  }
  const failed = reason !== undefined;
  const infra =
    failed && !r.timedOut
      ? (parsed.infra ?? infraOf({ message: parsed.error ?? stderrReason(r.stderr) }))
      : undefined;
  if (infra) {
    const why = parsed.error ?? reason ?? '';
    throw new InfraError(infra, `${name} failed: ${infraMessage(infra, why)}`, {
      hint: infra === 'context' || infra === 'quota' ? HINTS[infra] : INFRA_HINTS[name],
      transcript,
    });
  }
  return {
    ok: !failed,
    reason,
    summary: parsed.summary,
    usage: parsed.usage ?? { inputTokens: 0, outputTokens: 0 },
    usageKnown: parsed.usage !== undefined,
    cost: parsed.cost,
    sessionId: parsed.sessionId,
    transcript,
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

/** A path an agent reported, relative to the repo when it is inside it (activity lines). */
export function repoPath(repoDir: string, p: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(repoDir, p);
  return rel && !rel.startsWith('..') ? rel : p;
}
