import type { Context } from '../../context.js';
import { infraOf } from '../../llm/infra-error.js';
import { costOf } from '../../llm/prices.js';
import type { Usage } from '../events.js';
import { externalExecutor, jsonLine, num, repoPath } from './external.js';
import type { Executor, ExecutorInput, ExecutorOptions } from './types.js';

/** Codex's notice while it retries a broken stream: `Reconnecting... 2/5 (cause)`. */
const RECONNECT = /^Reconnecting\.{3}\s*\d+\/\d+\s*(?:\((.*)\))?$/s;
/**
 * Codex's notice when it cannot connect at all: `Reconnecting... waiting for network
 * (Connection failed: error sending request)` — for a refused port and an unknown host alike,
 * repeated with a growing delay and never given up.
 */
const NO_CONNECTION = /waiting for network|connection failed|error sending request/i;
/** That many no-connection notices in a row (≈ 25 s) and codex is stopped even unprobed. */
const MAX_NO_CONNECTION = 3;

/**
 * `-c` overrides that point Codex at an OpenAI-compatible endpoint. Codex ignores
 * OPENAI_BASE_URL; a custom provider (the same keys as `[model_providers.X]` in
 * ~/.codex/config.toml) with the Responses wire API is what it honours.
 */
export function codexProviderArgs(baseURL: string, envKey = 'OPENAI_API_KEY'): string[] {
  const q = (v: string) => JSON.stringify(v);
  return [
    '-c',
    `model_provider=${q('specloop')}`,
    '-c',
    `model_providers.specloop.name=${q('specloop')}`,
    '-c',
    `model_providers.specloop.base_url=${q(baseURL)}`,
    '-c',
    `model_providers.specloop.env_key=${q(envKey)}`,
    '-c',
    `model_providers.specloop.wire_api=${q('responses')}`,
  ];
}

/** Rough tokens of a text (≈ 4 characters a token), for the running cost estimate. */
const tokensOf = (text: string) => Math.ceil(text.length / 4);

/**
 * Codex's JSONL reports usage once per turn (`turn.completed`), and `codex exec` is one turn.
 * Meanwhile each completed item (a message, reasoning, a command, a file change) stands for one
 * model call: its input estimated as the prompt plus all the turn produced so far, its output
 * as the item itself. --max-cost checks that running estimate mid-attempt; the turn's real
 * usage replaces it when it comes.
 */
export function callEstimator(prompt: string): (item: Record<string, unknown>) => Usage {
  let context = tokensOf(prompt);
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  return (item) => {
    const { aggregated_output: seen, ...made } = item;
    const out = tokensOf(JSON.stringify(made));
    usage.inputTokens += context;
    usage.outputTokens += out;
    context += out + (typeof seen === 'string' ? tokensOf(seen) : 0);
    return { ...usage };
  };
}

/**
 * Codex CLI: `codex exec --json --sandbox workspace-write [-c provider overrides] [--model M] -`
 * with the prompt on stdin (`-`). JSONL events: `thread.started` (thread id), `item.*`
 * (commands, file changes, messages; an item of type `error` is a warning), `turn.completed`
 * (usage), `turn.failed`, and top-level `error` events — which are also Codex's
 * "Reconnecting... n/5" notices while it retries. Only `turn.failed` or a non-zero exit fails
 * an attempt.
 */
export function createCodexExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  // The user pointed specloop's openai provider elsewhere: codex goes there too.
  const baseURL = ctx.env.OPENAI_BASE_URL || ctx.config.providers.openai.baseURL;
  return externalExecutor(ctx, 'codex', opts, (input: ExecutorInput) => {
    const args = ['exec', '--json', '--sandbox', 'workspace-write'];
    if (baseURL) args.push(...codexProviderArgs(baseURL.replace(/\/+$/, '')));
    if (opts.model) args.push('--model', opts.model);
    args.push('-');
    let sessionId: string | undefined;
    let failed: string | undefined;
    let summary: string | undefined;
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    const errors: string[] = [];
    let noConnection = 0;
    const model = opts.model?.replace(/^openai:/, '');
    const price = (u: Usage) => (model ? costOf(`openai:${model}`, u, ctx.config) : null);
    let estimate = callEstimator(input.prompt);
    return {
      args,
      stdin: input.prompt,
      parser: {
        line(line, emit) {
          const ev = jsonLine(line);
          if (!ev) return;
          if (ev.type === 'thread.started' && typeof ev.thread_id === 'string') sessionId = ev.thread_id;
          if (ev.type === 'turn.completed') {
            const u = (ev.usage ?? {}) as Record<string, unknown>;
            usage ??= { inputTokens: 0, outputTokens: 0 };
            usage.inputTokens += num(u.input_tokens);
            usage.outputTokens += num(u.output_tokens);
            const cost = price(usage);
            if (cost !== null) emit.spent(cost);
            estimate = callEstimator(input.prompt);
          }
          if (ev.type === 'turn.failed')
            failed = String((ev.error as { message?: unknown })?.message ?? 'the turn failed');
          if (ev.type === 'error') {
            const message = String(ev.message ?? 'error');
            errors.push(message);
            emit.notice(message);
            if (NO_CONNECTION.test(message)) {
              // Codex would wait for ever: find out whether anything answers at its endpoint.
              emit.connectionFailed(baseURL, message);
              if (++noConnection >= MAX_NO_CONNECTION)
                emit.stop(
                  'unreachable',
                  `codex could not connect to ${baseURL ?? 'its endpoint'} (${noConnection} tries): ${message}`,
                );
            }
          } else if (ev.type !== 'thread.started' && ev.type !== 'turn.started') noConnection = 0;
          const item = ev.item as Record<string, unknown> | undefined;
          if (!item) return;
          if (ev.type === 'item.completed') {
            const guess = estimate(item);
            const cost = price({
              inputTokens: (usage?.inputTokens ?? 0) + guess.inputTokens,
              outputTokens: (usage?.outputTokens ?? 0) + guess.outputTokens,
            });
            if (cost !== null) emit.spent(cost);
          }
          if (item.type === 'error' && ev.type === 'item.completed')
            emit.notice(`warning: ${String(item.message)}`);
          if (item.type === 'agent_message' && typeof item.text === 'string') summary = item.text;
          if (ev.type === 'item.started' && item.type === 'command_execution')
            emit.activity(`$ ${String(item.command ?? '')}`);
          if (ev.type === 'item.completed' && item.type === 'file_change') {
            const changes = (item.changes ?? []) as { path?: string; kind?: string }[];
            emit.activity(
              changes.map((c) => `${c.kind ?? 'edit'} ${repoPath(input.repoDir, c.path ?? '')}`).join(', '),
            );
          }
        },
        finish(exit) {
          // A reconnect notice the turn recovered from is no failure; the turn's own error is.
          const lastError = errors.filter((e) => !RECONNECT.test(e)).at(-1);
          const error = failed ?? (exit.code !== 0 ? lastError : undefined);
          // Codex retries a rejected key or an unknown model like a broken stream: the real cause
          // is often only in the first reconnect notice ("unexpected status 401 …").
          const causes = errors.map((e) => RECONNECT.exec(e)?.[1] ?? e);
          const infra = error
            ? [error, ...causes].map((m) => infraOf({ message: m })).find((k) => k !== undefined)
            : undefined;
          const cause = infra ? causes.find((m) => infraOf({ message: m }) === infra) : undefined;
          const cost = usage ? price(usage) : null;
          return {
            sessionId,
            summary,
            usage,
            cost,
            error: error && cause && cause !== error ? `${error} (first: ${cause})` : error,
            infra,
          };
        },
      },
    };
  });
}
