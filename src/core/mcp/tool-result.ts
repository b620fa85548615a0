import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { InterruptedError, isSpecloopError } from '../errors.js';

/**
 * A tool's answer: `text` for clients that read text; `data`, when given, is the same
 * result as structured content (what `--json` prints on the command line). Clients that
 * read structured content show the model only that (Claude Code does), so `data` must hold
 * everything the agent needs — the message included.
 */
export function toolResult(text: string, data?: object, isError = false): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    ...(data ? { structuredContent: data as Record<string, unknown> } : {}),
    ...(isError ? { isError: true } : {}),
  };
}

/**
 * An error as the CLI would print it — message, then the hint — marked `isError`, so the
 * agent sees what happened and what to do next. The code and exit code the CLI would use
 * travel in the structured content.
 */
export function errorResult(err: unknown): CallToolResult {
  if (err instanceof InterruptedError)
    return toolResult(
      `interrupted: ${err.message}`,
      { error: { code: 'E_INTERRUPTED', message: err.message } },
      true,
    );
  if (isSpecloopError(err)) {
    const text = `error: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`;
    const error = { code: err.code, message: err.message, hint: err.hint, exitCode: err.exitCode };
    return toolResult(text, { error }, true);
  }
  const message = err instanceof Error ? err.message : String(err);
  return toolResult(
    `internal error: ${message}\nhint: run \`specloop mcp --verbose\` for details, and please report it`,
    { error: { code: 'E_INTERNAL', message } },
    true,
  );
}
