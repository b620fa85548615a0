import type { Context } from '../../context.js';
import { infraOf } from '../../llm/infra-error.js';
import { costOf } from '../../llm/prices.js';
import type { Usage } from '../events.js';
import { externalExecutor, jsonLine, num, type ParsedRun, repoPath } from './external.js';
import type { Executor, ExecutorInput, ExecutorOptions } from './types.js';

/** Tools whose denial means the step's files could not be written: the attempt failed. */
const WRITE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

/**
 * What Claude may use without asking (print mode cannot ask): the project's test command
 * (exactly, and with extra arguments such as a file filter) and read-only inspection.
 * Edits inside the repo are allowed by `--permission-mode acceptEdits`.
 */
export function allowedTools(testCommand: string, testDir?: string): string[] {
  const cmds = [testCommand];
  if (testDir) cmds.push(`cd ${testDir} && ${testCommand}`);
  return [
    ...cmds.flatMap((c) => [`Bash(${c})`, `Bash(${c}:*)`]),
    'Read',
    'Glob',
    'Grep',
    'LS',
    'Bash(ls:*)',
    'Bash(cat:*)',
    'Bash(git status:*)',
    'Bash(git diff:*)',
    'Bash(git log:*)',
  ];
}

/** Claude's budget flag wants a plain decimal; never 0 (that would refuse the first call). */
const budget = (usd: number) => String(Math.max(usd, 0.0001).toFixed(4));

/**
 * Claude Code in print mode:
 * `claude -p --output-format stream-json --verbose --permission-mode acceptEdits
 *  --allowedTools <test command, read-only tools> [--max-budget-usd N] [--model M]`, prompt on
 * stdin (stream-json needs --verbose in print mode). The init event carries the session id;
 * the final `result` event the usage, `total_cost_usd`, `is_error`, the message (`result`,
 * also the reason when it failed), `api_error_status` and the permission denials.
 */
export function createClaudeExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  // Where Claude Code sends its calls (it reads ANTHROPIC_BASE_URL itself).
  const baseURL = ctx.env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com';
  return externalExecutor(ctx, 'claude', opts, (input: ExecutorInput) => {
    const testDir = input.testCwd !== input.repoDir ? repoPath(input.repoDir, input.testCwd) : undefined;
    const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
    args.push('--allowedTools', ...allowedTools(input.testCommand, testDir));
    if (input.maxCost !== undefined) args.push('--max-budget-usd', budget(input.maxCost));
    if (opts.model) args.push('--model', opts.model);
    let sessionId: string | undefined;
    let result: Record<string, unknown> | undefined;
    // Each API call's usage, by message id (a message's content blocks repeat it): --max-cost
    // is checked from these too, not only by Claude's own --max-budget-usd.
    const calls = new Map<string, { model: string; usage: Usage }>();
    const spent = () => {
      let usd = 0;
      for (const c of calls.values()) usd += costOf(`anthropic:${c.model}`, c.usage, ctx.config) ?? 0;
      return usd;
    };
    return {
      args,
      stdin: input.prompt,
      parser: {
        line(line, emit) {
          const ev = jsonLine(line);
          if (!ev) return;
          if (typeof ev.session_id === 'string') sessionId = ev.session_id;
          if (ev.type === 'result') result = ev;
          if (ev.type === 'system' && ev.subtype === 'api_retry') {
            // Claude retries a failed API call up to 10 times over ~3 minutes, silently.
            const status = typeof ev.error_status === 'number' ? ev.error_status : undefined;
            const why = status !== undefined ? `HTTP ${status}` : String(ev.error ?? 'no answer');
            const said = `API call failed (${why}), retry ${num(ev.attempt)}/${num(ev.max_retries)} in ${(num(ev.retry_delay_ms) / 1000).toFixed(1)} s`;
            emit.notice(said);
            // No HTTP status: nothing answered. Is anything listening at all?
            if (status === undefined) emit.connectionFailed(baseURL, said);
          }
          if (ev.type === 'system' && ev.subtype === 'permission_denied')
            emit.activity(`not allowed: ${String(ev.tool_name ?? 'a tool')}`);
          if (ev.type !== 'assistant') return;
          const msg = (ev.message ?? {}) as {
            id?: unknown;
            model?: unknown;
            usage?: Record<string, unknown>;
          };
          if (msg.usage && typeof msg.model === 'string') {
            const u = msg.usage;
            calls.set(String(msg.id ?? calls.size), {
              model: msg.model,
              // Priced as Anthropic bills them: a cache read at 0.1× the input price, a write at 1.25×.
              usage: {
                inputTokens:
                  num(u.input_tokens) +
                  0.1 * num(u.cache_read_input_tokens) +
                  1.25 * num(u.cache_creation_input_tokens),
                outputTokens: num(u.output_tokens),
              },
            });
            emit.spent(spent());
          }
          const content = (ev.message as { content?: unknown[] } | undefined)?.content ?? [];
          for (const part of content as Record<string, unknown>[]) {
            if (part.type !== 'tool_use') continue;
            const inp = (part.input ?? {}) as Record<string, unknown>;
            const target = inp.file_path ?? inp.path ?? inp.command ?? inp.pattern ?? '';
            emit.activity(`${String(part.name)} ${repoPath(input.repoDir, String(target))}`.trim());
          }
        },
        finish: () => parseResult(result, sessionId, input.repoDir),
      },
    };
  });
}

function parseResult(
  result: Record<string, unknown> | undefined,
  sessionId: string | undefined,
  repoDir: string,
): ParsedRun {
  if (!result) return { cost: null, sessionId, error: 'no result event in its output' };
  const u = (result.usage ?? {}) as Record<string, unknown>;
  const text = typeof result.result === 'string' ? result.result : undefined;
  const out: ParsedRun = {
    sessionId,
    summary: text,
    usage: {
      inputTokens: num(u.input_tokens) + num(u.cache_read_input_tokens) + num(u.cache_creation_input_tokens),
      outputTokens: num(u.output_tokens),
    },
    cost: typeof result.total_cost_usd === 'number' ? result.total_cost_usd : null,
  };
  const subtype = typeof result.subtype === 'string' ? result.subtype : 'error';
  if (result.is_error === true || subtype !== 'success') {
    // The message the user would have seen, not the raw stream: `result`, else its `errors`.
    const errors = Array.isArray(result.errors) ? result.errors.map(String).join('; ') : '';
    const why = text || errors || subtype;
    out.error = subtype === 'success' ? why : `${subtype}: ${why}`;
    const status = typeof result.api_error_status === 'number' ? result.api_error_status : undefined;
    if (result.terminal_reason === 'api_error' || status !== undefined)
      out.infra = infraOf({ status, message: why });
    return out;
  }
  // Only a denied write matters: a denied shell command is the agent's loss, and our checks decide.
  const denied = (Array.isArray(result.permission_denials) ? result.permission_denials : []) as {
    tool_name?: string;
    tool_input?: Record<string, unknown>;
  }[];
  const writes = denied.filter((d) => WRITE_TOOLS.has(String(d.tool_name)));
  if (writes.length > 0)
    out.error = `it was not allowed to write: ${writes
      .map((d) =>
        `${d.tool_name} ${repoPath(repoDir, String(d.tool_input?.file_path ?? d.tool_input?.notebook_path ?? ''))}`.trim(),
      )
      .join(', ')}`;
  return out;
}
