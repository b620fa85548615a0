import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Cleanups } from '../support/cleanups.js';
import { BIN } from '../support/cli.js';
import { GIT_ENV } from '../support/repo.js';

export interface McpSession {
  client: Client;
  /** Call a tool; the result as the client received it. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
}

/**
 * The built binary's `specloop mcp` as a real child process, driven by the SDK's own
 * client over stdio — what an editor does. SPECLOOP_HOME and HOME are temp dirs in `cwd`.
 */
export async function startMcp(
  cleanups: Cleanups,
  cwd: string,
  env: Record<string, string> = {},
): Promise<McpSession> {
  const home = join(cwd, '.home');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    cwd,
    env: { HOME: home, SPECLOOP_HOME: home, ...GIT_ENV, ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const client = new Client({ name: 'specloop-test', version: '1.0.0' });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    stderr: () => stderr,
  };
}

/** The text of a tool result's first content part. */
export function textOf(r: CallToolResult): string {
  const first = r.content[0];
  return first?.type === 'text' ? first.text : '';
}
