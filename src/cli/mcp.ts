import { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import type { App, CliIO, GlobalOptions } from './app.js';

export function register(program: Command, app: App): void {
  program
    .command('mcp')
    .description(
      'serve specloop to an editor agent over MCP (stdio): pack, plan status, next step, land step',
    )
    .addHelpText(
      'after',
      `
Runs a Model Context Protocol server on stdin/stdout for the agent in your editor
(Claude Code, Codex, Cursor, VS Code). It exposes the tools pack, plan_status,
next_step, land_step, undo_step, claim_step, release_step, ask and task; the built-in
templates as prompts; spec.md, prompt_plan.md, todo.md and the last pack as
resources. land_step runs specloop's own checks (our test run, a non-empty diff,
the test-driven rule) before it commits with the todo tick and the trailer.
The server works in the directory it is started in (or -C DIR), with the same
config as every other command. Logs go to stderr; stdout is the protocol.

Configure your client (details: docs/mcp.md):
  Claude Code   claude mcp add specloop -- specloop mcp
  Codex         ~/.codex/config.toml:
                  [mcp_servers.specloop]
                  command = "specloop"
                  args = ["mcp"]
  Cursor        .cursor/mcp.json:
                  {"mcpServers": {"specloop": {"command": "specloop", "args": ["mcp"]}}}
  VS Code       .vscode/mcp.json:
                  {"servers": {"specloop": {"type": "stdio", "command": "specloop", "args": ["mcp"]}}}`,
    )
    .action(
      app.action(
        'mcp',
        async (ctx, _opts: unknown, cmd: Command) => {
          const global = cmd.optsWithGlobals<GlobalOptions>();
          const { buildContext } = await import('./context.js');
          // Lazy: the MCP SDK loads only when the server really starts.
          const { serveMcp } = await import('../core/mcp/index.js');
          await serveMcp(ctx, {
            input: ctx.stdin,
            output: sinkStream(ctx),
            // Each tool call gets a fresh context the CLI's way (config and trust re-read),
            // whose stdout goes nowhere: the real stdout belongs to the protocol.
            contextFor: ({ command, stdin, signal }) => {
              const io: CliIO = {
                env: app.io.env,
                cwd: app.io.cwd,
                stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
                stdout: { write: () => {}, isTTY: false },
                stderr: ctx.stderr,
                signal,
              };
              return buildContext(io, global, command);
            },
          });
          return 0;
        },
        // A broken specloop.toml must not keep the server from starting: every tool call
        // loads the config again and answers with the error and its hint instead.
        { configOptional: true },
      ),
    );
}

/** The protocol stream over the command's stdout sink (the transport wants a Writable). */
function sinkStream(ctx: Context): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      ctx.stdout.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
}
