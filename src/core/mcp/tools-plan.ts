import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { defineTool, planFrom, stepNumber, teamWhere } from './define-tool.js';
import * as core from './specloop-core.js';
import { toolResult } from './tool-result.js';
import type { ServerDeps } from './types.js';

const json = (data: object) => toolResult(JSON.stringify(data, null, 2), data);

/** The plan tools: status, the next step's prompt, landing, and the team's claims. */
export function registerPlanTools(server: McpServer, deps: ServerDeps, d: Map<string, string>): void {
  defineTool(server, deps, d, {
    name: 'plan_status',
    title: 'Plan status',
    input: {
      from: planFrom,
      team: z
        .boolean()
        .optional()
        .describe("the team remote's view instead: claims, holders, leases (fetches)"),
      remote: teamWhere.remote,
      branch: teamWhere.branch,
    },
    annotations: { readOnlyHint: true },
    run: async (ctx, a) =>
      json(a.team ? await core.teamStatus(ctx, a) : await core.planStatus(ctx, { from: a.from })),
  });

  defineTool(server, deps, d, {
    name: 'next_step',
    title: "A step's full prompt",
    input: { step: stepNumber.optional(), from: planFrom },
    annotations: { readOnlyHint: true },
    run: async (ctx, a) => {
      const r = await core.nextStep(ctx, { step: a.step, from: a.from });
      return toolResult(r.prompt, r);
    },
  });

  defineTool(server, deps, d, {
    name: 'land_step',
    title: "Check and commit a step's work",
    // No testCommand argument on purpose: the checks are the project's, not the agent's.
    input: {
      step: stepNumber,
      team: z
        .boolean()
        .optional()
        .describe(
          'integrate through the team remote (rebase, test, push; as `specloop done`) instead of committing here',
        ),
      force: z
        .boolean()
        .optional()
        .describe("team: integrate even though someone else holds the step's claim"),
      ...teamWhere,
    },
    annotations: { destructiveHint: false, idempotentHint: false },
    run: async (ctx, a) => {
      const { step, from, team, ...where } = a;
      const r = await core.landStep(ctx, { step, from, team: team ? where : undefined });
      if (r.landed) {
        const message = `step ${r.step} landed as ${r.commit?.slice(0, 7)} on ${r.branch ?? 'a detached HEAD'} (${r.changed.length} file(s), tests green, todo.md ticked)`;
        return toolResult(message, { message, ...r });
      }
      const message = `step ${r.step} was not landed: ${r.reason}. Nothing was committed; fix the work and call land_step again`;
      const output = r.testOutput?.trim() ? `\n\ntest output (tail):\n${r.testOutput.trimEnd()}` : '';
      return toolResult(`${message}${output}`, { message, ...r }, true);
    },
  });

  defineTool(server, deps, d, {
    name: 'undo_step',
    title: 'Take a landed step back',
    input: {
      step: stepNumber.optional().describe('the landed step to take back (default: the one landed last)'),
      from: planFrom,
    },
    annotations: { destructiveHint: true, idempotentHint: false },
    run: async (ctx, a) => {
      const r = await core.undoStep(ctx, a);
      const message = `step ${r.step} (${r.title}) undone by ${r.revert?.slice(0, 7)} on ${r.branch ?? 'a detached HEAD'}: its work is reverted and its box unticked; next_step offers it again`;
      return toolResult(message, { message, ...r });
    },
  });

  defineTool(server, deps, d, {
    name: 'claim_step',
    title: 'Claim a step on the team remote',
    input: {
      step: stepNumber,
      leaseMinutes: z
        .number()
        .int()
        .positive()
        .max(60 * 24 * 30)
        .optional()
        .describe('how long the claim holds without renewal (default 8 hours)'),
      ...teamWhere,
    },
    run: async (ctx, a) => {
      const r = await core.claimStep(ctx, {
        ...a,
        leaseSeconds: a.leaseMinutes === undefined ? undefined : a.leaseMinutes * 60,
      });
      const until = new Date(r.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
      const waits = r.waitingOn.length ? `; it depends on ${r.waitingOn.join(', ')}, not integrated yet` : '';
      const message = `step ${r.step} ${r.renewed ? 'is still' : 'is now'} yours (${r.holder}@${r.host}) until ${until} UTC${waits}`;
      return toolResult(message, { message, ...r });
    },
  });

  defineTool(server, deps, d, {
    name: 'release_step',
    title: 'Release a claim on the team remote',
    input: {
      step: stepNumber,
      force: z.boolean().optional().describe("remove someone else's live claim"),
      ...teamWhere,
    },
    run: async (ctx, a) => {
      const r = await core.releaseStep(ctx, a);
      const message = `released step ${r.step} (was held by ${r.holder})`;
      return toolResult(message, { message, ...r });
    },
  });
}
