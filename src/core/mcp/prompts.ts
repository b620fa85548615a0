import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { listTemplates, renderTemplate, requiredVariables, type Template } from '../templates/index.js';
import { protocolError } from './protocol-error.js';
import type { ServerDeps } from './types.js';

/**
 * Every public prompt template (the built-in code-review, github-issues, issue-prompts,
 * missing-tests, readme, … and the project's own) as an MCP prompt. Its variables are the
 * arguments; `input` is optional: without it the repository is packed with the [pack]
 * settings, as `specloop task` does.
 */
export async function registerPrompts(server: McpServer, deps: ServerDeps): Promise<void> {
  for (const t of await listTemplates(deps.ctx)) {
    if (t.internal) continue;
    const vars = requiredVariables(t);
    const argsSchema = Object.fromEntries(
      vars.map((v) => [
        v,
        v === 'input'
          ? z.string().optional().describe('the text to work on (default: a pack of the repository)')
          : z.string().describe(`template variable ${v}`),
      ]),
    );
    server.registerPrompt(t.name, { description: t.description ?? `template ${t.name}`, argsSchema }, (async (
      args: Record<string, string | undefined>,
      extra: { signal: AbortSignal },
    ) => {
      try {
        return await render(deps, t, args, extra.signal);
      } catch (err) {
        throw protocolError(err);
      }
    }) as unknown as Parameters<McpServer['registerPrompt']>[2]);
  }
}

async function render(
  deps: ServerDeps,
  t: Template,
  args: Record<string, string | undefined>,
  signal: AbortSignal,
): Promise<GetPromptResult> {
  const vars = Object.fromEntries(
    Object.entries(args).filter((e): e is [string, string] => e[1] !== undefined),
  );
  if (vars.input === undefined && requiredVariables(t).includes('input')) {
    const ctx = await deps.contextFor({
      command: `mcp prompt ${t.name}`,
      signal: AbortSignal.any([deps.ctx.signal, signal]),
    });
    const { pack } = await import('../pack/index.js');
    vars.input = (await pack(ctx, { write: false })).output;
  }
  const { system, prompt } = renderTemplate(t, vars);
  const text = (s: string) => ({ type: 'text' as const, text: s });
  // MCP prompts have no system role: the template's system prompt comes first, as the user's framing.
  const messages = [...(system ? [system] : []), prompt].map((s) => ({
    role: 'user' as const,
    content: text(s),
  }));
  return { description: t.description, messages };
}
