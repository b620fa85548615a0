import type { Context } from '../context.js';
import type { Plan, PlanStep } from '../plan/index.js';
import { loadTemplate, renderTemplate } from '../templates/index.js';
import type { ToolName } from './executors/builtin/tools.js';
import { TOOL_NAMES } from './executors/builtin/tools.js';

/** The spec is context, not the task: cap it so a huge spec cannot crowd out the step. */
const MAX_SPEC_CHARS = 40_000;

async function render(ctx: Context, name: string, vars: Record<string, string>): Promise<string> {
  const t = await loadTemplate(ctx, name);
  return renderTemplate(t, vars).prompt.trim();
}

/** System prompt of the builtin agent (src/templates/agent-system.md). */
export function agentSystemPrompt(
  ctx: Context,
  v: { testCommand: string; maxToolCalls: number },
): Promise<string> {
  return render(ctx, 'agent-system', { test_command: v.testCommand, max_tool_calls: String(v.maxToolCalls) });
}

/**
 * Tool descriptions the model reads, one `## tool_name` section each in
 * src/templates/agent-tools.md (so a project can override the wording like any template).
 */
export async function toolDescriptions(ctx: Context): Promise<Record<ToolName, string>> {
  const body = (await loadTemplate(ctx, 'agent-tools')).body;
  const out = {} as Record<ToolName, string>;
  for (const name of TOOL_NAMES) {
    const m = new RegExp(`^##\\s+${name}\\s*\\n([\\s\\S]*?)(?=^##\\s|(?![\\s\\S]))`, 'm').exec(body);
    out[name] = m?.[1]?.trim() || name.replace('_', ' ');
  }
  return out;
}

export interface StepPromptInput {
  plan: Plan;
  step: PlanStep;
  spec?: string;
  /** Numbers of the steps already done (their titles come from the plan). */
  done: number[];
  testCommand: string;
  tdd: boolean;
}

function doneList(plan: Plan, done: number[]): string {
  const lines = plan.steps
    .filter((s) => done.includes(s.number))
    .map((s) => `- step ${s.number}: ${s.title}`);
  return lines.length ? lines.join('\n') : '(none yet: this is the first step)';
}

function specText(spec: string | undefined): string {
  if (!spec?.trim()) return '(no spec.md)';
  return spec.length > MAX_SPEC_CHARS ? `${spec.slice(0, MAX_SPEC_CHARS)}\n[spec truncated]` : spec.trim();
}

const TDD_RULE =
  'This step is test-driven: add or change a test that covers the new behaviour, then make it pass. A step that touches no test file is not accepted.';
const NO_TDD_RULE = 'Add or adjust tests where the change calls for it.';

/** The first prompt for a step: spec, plan overview, steps done, then the step itself. */
export function stepPrompt(ctx: Context, v: StepPromptInput): Promise<string> {
  return render(ctx, 'agent-step', {
    spec: specText(v.spec),
    overview: v.plan.overview.trim() || '(no overview)',
    done_steps: doneList(v.plan, v.done),
    step_number: String(v.step.number),
    step_title: v.step.title,
    step_context: v.step.context.trim() || '(none)',
    step_prompt: v.step.prompt.trim(),
    test_command: v.testCommand,
    tdd_rule: v.tdd ? TDD_RULE : NO_TDD_RULE,
  });
}

export interface RetryPromptInput {
  step: PlanStep;
  /** The step prompt as first given (self-contained retry: external CLIs start fresh). */
  firstPrompt: string;
  attempt: number;
  maxAttempts: number;
  reason: string;
  testOutput: string;
  /** Packed contents of the relevant files. */
  context: string;
  testCommand: string;
}

/** A retry: the original task, why the last attempt was rejected, test output, packed files. */
export function retryPrompt(ctx: Context, v: RetryPromptInput): Promise<string> {
  return render(ctx, 'agent-retry', {
    first_prompt: v.firstPrompt,
    step_number: String(v.step.number),
    attempt: String(v.attempt),
    max_attempts: String(v.maxAttempts),
    reason: v.reason,
    test_output: v.testOutput.trim() || '(no output)',
    context: v.context.trim() || '(no files)',
    test_command: v.testCommand,
  });
}
