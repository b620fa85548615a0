import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { packageVersion } from '../../util/paths.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { toolDescriptions } from './tool-descriptions.js';
import { registerLlmTools } from './tools-llm.js';
import { registerPlanTools } from './tools-plan.js';
import type { ServerDeps } from './types.js';

const INSTRUCTIONS =
  'specloop drives a plan (prompt_plan.md + todo.md) step by step. Loop: plan_status → next_step ' +
  "(the step's full prompt) → do the work in the working tree → land_step (specloop runs the tests " +
  'and commits with the todo tick; a rejection says why). In a team, claim_step first. pack gives ' +
  'packed context; ask/task and the prompts run specloop templates.';

/** The MCP server with every tool, prompt and resource registered (not yet connected). */
export async function createServer(deps: ServerDeps): Promise<McpServer> {
  const server = new McpServer(
    { name: 'specloop', version: packageVersion() },
    { instructions: INSTRUCTIONS, capabilities: { tools: {}, prompts: {}, resources: {} } },
  );
  const descriptions = await toolDescriptions(deps.ctx);
  registerLlmTools(server, deps, descriptions);
  registerPlanTools(server, deps, descriptions);
  await registerPrompts(server, deps);
  registerResources(server, deps);
  return server;
}
