import { relative } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PackConfig } from '../config/schema.js';
import { defineTool } from './define-tool.js';
import { packInput } from './pack-input.js';
import { toolResult } from './tool-result.js';
import type { ServerDeps } from './types.js';

const globs = (what: string) =>
  z.array(z.string().min(1)).optional().describe(`${what} (gitignore-style globs, e.g. "src/**/*.ts")`);
const params = z
  .record(z.string(), z.string())
  .optional()
  .describe('template variables by name (as `-p NAME VALUE`)');
const model = z.string().optional().describe('`provider:model`, e.g. anthropic:claude-sonnet-4-5');
const yes = z
  .boolean()
  .optional()
  .describe('send even when the estimated cost is above confirmCostOver (as `--yes`)');

type PackArgs = { dirs?: string[]; output?: string } & Partial<PackConfig>;

/** pack, ask and task: the same core functions as `specloop pack`, `ask` and `task`. */
export function registerLlmTools(server: McpServer, deps: ServerDeps, d: Map<string, string>): void {
  defineTool(server, deps, d, {
    name: 'pack',
    title: 'Pack the repository',
    input: packInput,
    annotations: { readOnlyHint: false },
    run: async (ctx, a) => {
      const { pack, formatSummary, displayPath } = await import('../pack/index.js');
      const { dirs, output, ...options } = a as PackArgs;
      const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
      const r = await pack(ctx, { ...set, dirs, ...(output ? { output } : {}), write: Boolean(output) });
      const style = options.style ?? ctx.config.pack.style;
      const data = { summary: '', totals: r.totals, files: r.files, skipped: r.skipped };
      const outputs = r.parts.map((p) => (p.path ? displayPath(ctx, p.path) : 'returned'));
      const summary = formatSummary(r, { top: ctx.config.pack.top, outputs });
      data.summary = summary;
      if (output) {
        deps.state.lastPack = { path: r.output, style };
        return toolResult(summary, { path: displayPath(ctx, r.output), ...data });
      }
      deps.state.lastPack = { text: r.output, style };
      return {
        content: [
          { type: 'text', text: r.output },
          { type: 'text', text: summary },
        ],
        // Clients that read structured content (Claude Code does) must get the pack too.
        structuredContent: { output: r.output, ...data },
      };
    },
  });

  defineTool(server, deps, d, {
    name: 'ask',
    title: 'Ask the model',
    input: {
      prompt: z.string().optional().describe('the question'),
      input: z.string().optional().describe("text to send (a template's {{input}}), e.g. a diff or a pack"),
      template: z.string().optional().describe('prompt template name (see the MCP prompts)'),
      params,
      model,
      system: z.string().optional().describe("system prompt (beats the template's)"),
      yes,
    },
    // Changes nothing in the repository: asks may run side by side.
    annotations: { readOnlyHint: true, openWorldHint: true },
    run: async (ctx, a) => {
      const { ask } = await import('../llm/ask.js');
      const r = await ask(ctx, { ...a, stream: false });
      const { text, usage, cost } = r;
      return toolResult(text, { text, model: r.model, usage, cost });
    },
  });

  defineTool(server, deps, d, {
    name: 'task',
    title: 'Run a named task',
    input: {
      name: z
        .string()
        .min(1)
        .describe('task name: code-review, github-issues, issue-prompts, missing-tests, readme, …'),
      input: z.string().optional().describe('text to use instead of packing the repository'),
      write: z.boolean().optional().describe("write the task's output file instead of returning the answer"),
      output: z.string().min(1).optional().describe('write the answer to this file'),
      force: z.boolean().optional().describe('overwrite the output file if it exists'),
      params,
      model,
      include: globs('pack only these paths'),
      ignore: globs('leave these paths out of the pack'),
      tokenBudget: z.number().int().positive().optional().describe('pack at most this many tokens'),
      yes,
    },
    // The task reads given text the way `task --input -` reads a pipe.
    prepare: (a) => ({ stdin: a.input }),
    run: async (ctx, a) => {
      const { runTask } = await import('../tasks/index.js');
      const toFile = Boolean(a.write || a.output);
      const r = await runTask(ctx, {
        name: a.name,
        input: a.input === undefined ? undefined : '-',
        output: a.output,
        stdout: !toFile,
        force: a.force,
        yes: a.yes,
        model: a.model,
        params: a.params,
        pack: {
          ...(a.include ? { include: a.include } : {}),
          ...(a.ignore ? { ignore: a.ignore } : {}),
          ...(a.tokenBudget ? { tokenBudget: a.tokenBudget } : {}),
        },
      });
      const path = r.outputPath ? relative(ctx.cwd, r.outputPath) : undefined;
      const data = { task: r.task.name, path, model: r.model, usage: r.usage, cost: r.cost };
      return toolResult(path ? `${r.task.name}: wrote ${path}` : r.text, { ...data, text: r.text });
    },
  });
}
