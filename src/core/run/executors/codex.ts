import type { Context } from '../../context.js';
import { externalExecutor, jsonLine, num, spawnAgent } from './external.js';
import type { Executor, ExecutorOptions } from './types.js';

/**
 * Codex CLI: `codex exec --json --sandbox workspace-write -` with the prompt on stdin
 * (`-`). JSONL events: `thread.started` (thread id), `item.*` (commands, file changes,
 * messages), `turn.completed` (usage), `turn.failed` / `error`.
 */
export function createCodexExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  return externalExecutor(ctx, 'codex', opts, async (input, cli) => {
    let sessionId: string | undefined;
    let error: string | undefined;
    let summary: string | undefined;
    const usage = { inputTokens: 0, outputTokens: 0 };
    const args = ['exec', '--json', '--sandbox', 'workspace-write'];
    if (opts.model) args.push('--model', opts.model);
    args.push('-');
    return spawnAgent(ctx, {
      ...cli,
      args,
      input,
      stdin: input.prompt,
      onLine(line) {
        const ev = jsonLine(line);
        if (!ev) return undefined;
        if (ev.type === 'thread.started' && typeof ev.thread_id === 'string') sessionId = ev.thread_id;
        if (ev.type === 'turn.completed') {
          const u = (ev.usage ?? {}) as Record<string, unknown>;
          usage.inputTokens += num(u.input_tokens);
          usage.outputTokens += num(u.output_tokens);
        }
        if (ev.type === 'turn.failed')
          error = String((ev.error as { message?: unknown })?.message ?? 'turn failed');
        if (ev.type === 'error') error = String(ev.message ?? 'error');
        const item = ev.item as Record<string, unknown> | undefined;
        if (!item || ev.type !== 'item.started') {
          if (item?.type === 'agent_message' && typeof item.text === 'string') summary = item.text;
          if (item?.type === 'file_change' && ev.type === 'item.completed') {
            const changes = (item.changes ?? []) as { path?: string; kind?: string }[];
            return changes.map((c) => `${c.kind ?? 'edit'} ${c.path ?? ''}`).join(', ');
          }
          return undefined;
        }
        if (item.type === 'command_execution') return `$ ${String(item.command ?? '')}`;
        return String(item.type);
      },
      finish: () => ({ sessionId, error, summary, usage, cost: null }),
    });
  });
}
