import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Context } from '../context.js';
import { errorResult } from './tool-result.js';
import type { CallRequest, ServerDeps } from './types.js';

type Shape = z.ZodRawShape;
type Args<S extends Shape> = z.infer<z.ZodObject<S>>;

export interface ToolSpec<S extends Shape> {
  name: string;
  title: string;
  input: S;
  annotations?: ToolAnnotations;
  /** Stdin text for this call's context, from the arguments. */
  prepare?: (args: Args<S>) => Pick<CallRequest, 'stdin'>;
  run: (ctx: Context, args: Args<S>) => Promise<CallToolResult>;
}

/**
 * Register one tool: its description from mcp-tools.md, its zod input schema (the SDK
 * refuses bad arguments before `run`), a fresh context per call, and every thrown error
 * turned into an `isError` result carrying the CLI's message and hint — never a crash.
 */
export function defineTool<S extends Shape>(
  server: McpServer,
  deps: ServerDeps,
  descriptions: Map<string, string>,
  spec: ToolSpec<S>,
): void {
  const cb = async (args: Args<S>, extra: Extra): Promise<CallToolResult> => {
    const stop = heartbeat(spec.name, extra);
    try {
      return await (spec.annotations?.readOnlyHint
        ? call(args, extra)
        : deps.state.serial(() => call(args, extra)));
    } finally {
      stop();
    }
  };
  const call = async (args: Args<S>, extra: Extra): Promise<CallToolResult> => {
    try {
      const ctx = await deps.contextFor({
        command: `mcp ${spec.name}`,
        ...spec.prepare?.(args),
        signal: AbortSignal.any([deps.ctx.signal, extra.signal]),
      });
      return await spec.run(ctx, args);
    } catch (err) {
      deps.ctx.log.debug(`${spec.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return errorResult(err);
    }
  };
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: descriptions.get(spec.name) ?? spec.title,
      inputSchema: spec.input,
      annotations: spec.annotations,
    },
    // The SDK's callback type is generic over its zod-compat layer; our shape is plain zod 4.
    cb as unknown as Parameters<McpServer['registerTool']>[2],
  );
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const HEARTBEAT_MS = 10_000;

/**
 * While a call runs (a test suite in land_step can take minutes), tell a client that asked
 * for progress that it is still alive, so clients that reset their timeout on progress wait.
 */
function heartbeat(tool: string, extra: Extra): () => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => {};
  let beats = 0;
  const timer = setInterval(() => {
    beats += 1;
    const message = `${tool}: still working (${(beats * HEARTBEAT_MS) / 1000} s)`;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: beats, message },
      })
      .catch(() => {});
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Argument schemas shared by several tools. */
export const stepNumber = z.number().int().positive().describe('the plan step number (the N of "## Step N")');
export const planFrom = z
  .string()
  .optional()
  .describe('a plan file in prompt_plan format other than prompt_plan.md (as `run --from`)');
export const teamWhere = {
  remote: z.string().optional().describe('the team remote (default: config team.remote, "origin")'),
  branch: z.string().optional().describe('the integration branch (default: config, else the current branch)'),
  from: planFrom,
  name: z.string().optional().describe('who you are (default: config team.name, else git user.name)'),
};
