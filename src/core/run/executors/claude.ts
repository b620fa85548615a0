import type { Context } from '../../context.js';
import { externalExecutor, jsonLine, num, spawnAgent } from './external.js';
import type { Executor, ExecutorOptions } from './types.js';

/**
 * Claude Code in print mode: `claude -p --output-format stream-json --verbose
 * --permission-mode acceptEdits`, prompt on stdin (stream-json needs --verbose in print
 * mode). The init event carries the session id; the final `result` event the usage,
 * `total_cost_usd`, `is_error` and any permission denials (a denied edit is a failure
 * even when the exit code is 0).
 */
export function createClaudeExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  return externalExecutor(ctx, 'claude', opts, async (input, cli) => {
    let sessionId: string | undefined;
    let result: Record<string, unknown> | undefined;
    const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    if (opts.model) args.push('--model', opts.model);
    return spawnAgent(ctx, {
      ...cli,
      args,
      input,
      stdin: input.prompt,
      onLine(line) {
        const ev = jsonLine(line);
        if (!ev) return line;
        if (typeof ev.session_id === 'string') sessionId = ev.session_id;
        if (ev.type === 'result') result = ev;
        if (ev.type !== 'assistant') return undefined;
        const content = (ev.message as { content?: unknown[] } | undefined)?.content ?? [];
        for (const part of content as Record<string, unknown>[]) {
          if (part.type !== 'tool_use') continue;
          const inp = (part.input ?? {}) as Record<string, unknown>;
          const target = inp.file_path ?? inp.path ?? inp.command ?? '';
          return `${String(part.name)} ${String(target)}`.trim();
        }
        return undefined;
      },
      finish() {
        const u = (result?.usage ?? {}) as Record<string, unknown>;
        const denials = Array.isArray(result?.permission_denials) ? result.permission_denials.length : 0;
        let error: string | undefined;
        if (!result) error = 'no result event in its output';
        else if (
          result.is_error === true ||
          (typeof result.subtype === 'string' && result.subtype !== 'success')
        )
          error = `${String(result.subtype ?? 'error')}: ${String(result.result ?? '').slice(0, 300)}`;
        else if (denials > 0) error = `${denials} tool call(s) were denied permission`;
        return {
          sessionId,
          error,
          summary: typeof result?.result === 'string' ? result.result : undefined,
          usage: {
            inputTokens:
              num(u.input_tokens) + num(u.cache_read_input_tokens) + num(u.cache_creation_input_tokens),
            outputTokens: num(u.output_tokens),
          },
          cost: typeof result?.total_cost_usd === 'number' ? result.total_cost_usd : null,
        };
      },
    });
  });
}
