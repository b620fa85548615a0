import type { Context } from '../../../context.js';
import { InterruptedError, isSpecloopError } from '../../../errors.js';
import { isInfraError } from '../../../llm/infra-error.js';
import type { LlmMessage, LlmToolResult, LlmToolSpec } from '../../../llm/types.js';
import { agentSystemPrompt, toolDescriptions } from '../../prompts.js';
import { failureExcerpt } from '../../test-excerpt.js';
import { runTests } from '../../test-runner.js';
import type { Executor, ExecutorInput, ExecutorOptions, ExecutorResult } from '../types.js';
import { executeTool, TOOL_NAMES, toolSchemas } from './tools.js';

const DEFAULT_MAX_TOOL_CALLS = 40;
const DEFAULT_MAX_TOKENS = 600_000;
/** Tool output longer than this is cut centrally, so one big file cannot flood the context. */
const MAX_TOOL_OUTPUT = 30_000;
const MAX_INVALID_IN_A_ROW = 3;
const MAX_TEXT_ONLY_REPLIES = 2;

const NUDGE =
  'Reply with tool calls only: make the changes with write_file / edit_file, check with run_tests, then call finish.';

function describeCall(name: string, input: unknown): string {
  const path =
    typeof input === 'object' && input && 'path' in input ? String((input as { path: unknown }).path) : '';
  return path ? `${name} ${path}` : name;
}

/** The conversation as readable text, for the attempt's run record (`specloop show --part transcript`). */
export function renderTranscript(system: string, messages: LlmMessage[]): string {
  const out = [`## system\n\n${system}`];
  for (const m of messages) {
    if (m.role === 'user') out.push(`## user\n\n${m.content}`);
    else if (m.role === 'assistant') {
      const calls = (m.toolCalls ?? []).map((c) => `→ ${c.name} ${JSON.stringify(c.input)}`);
      out.push(`## assistant\n\n${[m.content, ...calls].filter(Boolean).join('\n')}`);
    } else
      for (const r of m.results)
        out.push(`## tool ${r.toolName}${r.isError ? ' (error)' : ''}\n\n${r.output}`);
  }
  return `${out.join('\n\n')}\n`;
}

function cut(text: string): string {
  return text.length <= MAX_TOOL_OUTPUT ? text : `${text.slice(0, MAX_TOOL_OUTPUT)}\n[output truncated]`;
}

/**
 * The builtin executor: a tool-calling loop on the LLM layer. It stops on `finish`, on a
 * budget (tool calls, tokens, cost), or when the model keeps answering with something that
 * is not a valid tool call — the last two are failed attempts with a reason, and files are
 * only ever written whole (atomically) by the tools, so nothing is left corrupt.
 */
export function createBuiltinExecutor(ctx: Context, opts: ExecutorOptions = {}): Executor {
  const maxToolCalls = opts.maxToolCalls ?? ctx.config.run.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
  const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
  return {
    name: 'builtin',
    label: `builtin (${opts.model ?? ctx.config.models.code ?? ctx.config.models.default})`,
    async run(input: ExecutorInput): Promise<ExecutorResult> {
      const llm = await ctx.llm();
      const system = await agentSystemPrompt(ctx, { testCommand: input.testCommand, maxToolCalls });
      const descriptions = await toolDescriptions(ctx);
      const tools: Record<string, LlmToolSpec> = {};
      for (const n of TOOL_NAMES) tools[n] = { description: descriptions[n], inputSchema: toolSchemas[n] };
      const session = {
        root: input.repoDir,
        seen: new Set<string>(),
        policy: input.integrity,
        signal: input.signal,
        // The tool call itself is already shown as activity (`run_tests`).
        runTests: async () => {
          const r = await runTests(ctx, {
            cwd: input.testCwd,
            command: input.testCommand,
            timeoutMs: input.testTimeoutMs,
            signal: input.signal,
          });
          return { ok: r.ok, output: failureExcerpt(r.output, { maxChars: 12_000 }) };
        },
      };
      const usage = { inputTokens: 0, outputTokens: 0 };
      let cost: number | null = null;
      let calls = 0;
      let invalidInARow = 0;
      let textOnly = 0;
      const messages: LlmMessage[] = [{ role: 'user', content: input.prompt }];
      const result = (ok: boolean, extra: { reason?: string; summary?: string } = {}): ExecutorResult => ({
        ok,
        ...extra,
        usage,
        cost,
        transcript: renderTranscript(system, messages),
      });
      for (;;) {
        if (input.signal.aborted) throw new InterruptedError();
        if (calls >= maxToolCalls)
          return result(false, { reason: `tool-call budget used up (${maxToolCalls}) before finish` });
        if (usage.inputTokens + usage.outputTokens >= maxTokens)
          return result(false, { reason: `token budget used up (${maxTokens}) before finish` });
        if (input.maxCost !== undefined && (cost ?? 0) >= input.maxCost)
          return result(false, { reason: 'cost limit reached (--max-cost)' });
        let r: Awaited<ReturnType<typeof llm.generate>>;
        try {
          r = await llm.generate({
            model: opts.model,
            role: 'code',
            system,
            messages,
            tools,
            signal: input.signal,
            command: ctx.command,
            // Streamed, so llm.timeoutMs bounds the silence, not the whole (slow, reasoning) answer.
            stream: true,
          });
        } catch (e) {
          if (input.signal.aborted || e instanceof InterruptedError) throw new InterruptedError();
          // No key, bad model string, unreachable endpoint, rejected key …: not the step's fault.
          if (isSpecloopError(e) && (e.exitCode === 2 || isInfraError(e))) throw e;
          return result(false, { reason: `model error: ${(e as Error).message}` });
        }
        usage.inputTokens += r.usage.inputTokens;
        usage.outputTokens += r.usage.outputTokens;
        if (r.cost !== null) cost = (cost ?? 0) + r.cost;
        input.onEvent({ type: 'usage', step: input.step, ...r.usage, cost: r.cost });
        messages.push({
          role: 'assistant',
          content: r.text,
          toolCalls: r.toolCalls.length ? r.toolCalls : undefined,
        });
        if (r.toolCalls.length === 0) {
          textOnly++;
          if (textOnly >= MAX_TEXT_ONLY_REPLIES)
            return result(false, {
              reason: `the model answered without tool calls ${textOnly} times in a row`,
            });
          messages.push({ role: 'user', content: NUDGE });
          continue;
        }
        textOnly = 0;
        const results: LlmToolResult[] = [];
        let finished: { summary: string } | undefined;
        let lastInvalid = '';
        for (const call of r.toolCalls) {
          // The budget counts calls, not replies: one reply with 200 calls runs 40 at most.
          if (calls >= maxToolCalls || input.signal.aborted) {
            results.push({
              toolCallId: call.id,
              toolName: call.name,
              output: input.signal.aborted
                ? 'interrupted'
                : `not run: the tool-call budget (${maxToolCalls}) is used up`,
              isError: true,
            });
            continue;
          }
          calls++;
          if (finished) {
            results.push({
              toolCallId: call.id,
              toolName: call.name,
              output: 'ignored: finish was already called',
              isError: true,
            });
            continue;
          }
          input.onEvent({ type: 'activity', step: input.step, text: describeCall(call.name, call.input) });
          const out = await executeTool(session, call.name, call.input);
          if (out.invalid) {
            invalidInARow++;
            lastInvalid = out.output;
          } else invalidInARow = 0;
          if (out.wrote) input.crash?.('tool');
          if (out.finished) finished = out.finished;
          results.push({
            toolCallId: call.id,
            toolName: call.name,
            output: cut(out.output),
            isError: out.isError,
          });
        }
        messages.push({ role: 'tool', results });
        if (input.signal.aborted) throw new InterruptedError();
        if (finished) return result(true, { summary: finished.summary });
        if (invalidInARow >= MAX_INVALID_IN_A_ROW)
          return result(false, {
            reason: `the model sent ${invalidInARow} invalid tool calls in a row (${lastInvalid})`,
          });
      }
    },
  };
}
