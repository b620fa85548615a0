/**
 * `specloop mcp`: a Model Context Protocol server over stdio (official SDK) that gives an
 * editor agent specloop's pack, plan status, next-step prompt, landing through our checks,
 * team claims, ask/task and the templates as prompts. Tools call the same core functions
 * as the CLI, through one adapter (specloop-core.ts). See docs/mcp.md.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Context } from '../context.js';
import { createServer } from './server.js';
import type { ServeOptions } from './types.js';

export type { CallRequest, ContextFor, ServeOptions } from './types.js';

/** Serve until the client closes the input stream or the context's signal fires. */
export async function serveMcp(ctx: Context, o: ServeOptions): Promise<void> {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  };
  const server = await createServer({ ...o, ctx, state: { serial } });
  const transport = new StdioServerTransport(o.input, o.output);
  const closed = new Promise<void>((resolve) => {
    const done = () => resolve();
    o.input.once('end', done);
    o.input.once('close', done);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
  await server.connect(transport);
  ctx.log.info(`specloop mcp: serving ${ctx.cwd} on stdio`);
  await closed;
  await server.close();
}
