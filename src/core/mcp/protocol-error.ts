import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isSpecloopError } from '../errors.js';

/** MCP's "resource not found" (not in the SDK's ErrorCode enum). */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * What the SDK turns into a JSON-RPC error: it sends `code`, `message` and `data` of any
 * thrown error. (Its own McpError would prefix "MCP error N:" twice once the client wraps it.)
 */
class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * A JSON-RPC error for prompts and resources (tools answer with `isError` results instead):
 * the CLI's message with its hint, and both, with the error code, in `data`.
 */
export function protocolError(err: unknown, code: number = ErrorCode.InvalidParams): Error {
  if (isSpecloopError(err)) {
    const hint = err.hint ? ` (hint: ${err.hint})` : '';
    return new ProtocolError(code, `${err.message}${hint}`, { code: err.code, hint: err.hint });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProtocolError(ErrorCode.InternalError, `internal error: ${message}`);
}
