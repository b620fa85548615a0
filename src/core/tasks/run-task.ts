import { existsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { formatCount } from '../../util/format.js';
import { unwrapFence } from '../../util/markdown-fence.js';
import { createProgress } from '../../util/progress.js';
import type { PackConfig } from '../config/schema.js';
import { type Context, rootOf } from '../context.js';
import { InterruptedError, UsageError, WorkError } from '../errors.js';
import type { LlmUsage } from '../llm/types.js';
import { ensureOutputDir, outputDir, taskOutputPath } from './output-dir.js';
import { assertFits, type CallEstimate, describeEstimate, estimateCall } from './preflight.js';
import { getTask, type TaskDefinition } from './resolve-tasks.js';
import { packForTask, readTaskInput } from './task-input.js';
import { resolveVariables } from './variables.js';

export interface RunTaskOptions {
  name: string;
  /** Use this file (`-` = stdin) as the input instead of packing the repository. */
  input?: string;
  /** Output file instead of the task's (`-` = stdout). */
  output?: string;
  /** Answer on stdout, no file. */
  stdout?: boolean;
  /** Overwrite an existing output file. */
  force?: boolean;
  /** Skip the cost confirmation. */
  yes?: boolean;
  model?: string;
  /** Template variables (`-p K V`), over the task's own. */
  params?: Record<string, string>;
  /** Pack options from flags, over the task's and `[pack]`. `ignore` adds to theirs. */
  pack?: Partial<PackConfig>;
  /** Override the model's context window (tokens). */
  contextWindow?: number;
  /** Asked when the estimated cost is over `confirmCostOver`; resolve true to go ahead. */
  confirm?: (estimate: CallEstimate) => Promise<boolean>;
}

export interface RunTaskResult {
  task: TaskDefinition;
  /** Absolute path written, or undefined when the answer went to stdout. */
  outputPath?: string;
  /** True when it went to the output directory (a draft, never committed), false for `-o` / a config `output`. */
  draft: boolean;
  text: string;
  model: string;
  usage: LlmUsage;
  cost: number | null;
  estimate: CallEstimate;
}

/**
 * Run a task: pack the repository (or read `--input`), render the task's template with
 * the pack as `input`, check the prompt fits the model and the cost is acceptable,
 * stream the answer, and write it atomically to the task's output file. Every check
 * that can fail runs before the model is called, and nothing is written on failure.
 */
export async function runTask(ctx: Context, opts: RunTaskOptions): Promise<RunTaskResult> {
  const task = getTask(ctx, opts.name);
  const target = opts.stdout ? undefined : taskOutputPath(ctx, task, opts.output);
  const outputPath = target?.path;
  if (outputPath && !opts.force && existsSync(outputPath)) {
    throw new UsageError(`${relative(ctx.cwd, outputPath)} already exists; not overwriting it`, {
      code: 'E_EXISTS',
      hint: 'pass --force to replace it, -o another file, or --stdout',
    });
  }
  const { loadTemplate, renderTemplate } = await import('../templates/index.js');
  const template = await loadTemplate(ctx, task.template);
  const vars = await resolveVariables({ ...task.variables, ...opts.params }, ctx.cwd, outputDir(ctx));

  const progress = createProgress(ctx.stderr);
  const packed = opts.input === undefined ? await packForTask(ctx, task, opts.pack, progress) : undefined;
  const input = packed ? packed.text : await readTaskInput(ctx, opts.input!);
  const { system, prompt } = renderTemplate(template, { ...vars, input });

  const llm = await ctx.llm();
  const model = llm.resolveModel({
    model: opts.model ?? task.model ?? template.model,
    role: task.role ?? template.role ?? 'default',
  });
  const { countTokens } = await import('../pack/index.js');
  const encoding = opts.pack?.encoding ?? task.pack.encoding ?? ctx.config.pack.encoding;
  const inputTokens = await countTokens(`${system ?? ''}\n${prompt}`, encoding);
  const estimate = estimateCall({
    model,
    inputTokens,
    config: ctx.config,
    contextWindow: opts.contextWindow,
  });
  assertFits(estimate, { packTokens: packed?.tokens });
  if (estimate.cost !== null && estimate.cost > ctx.config.confirmCostOver && !opts.yes) {
    const over = `estimated cost ${describeEstimate(estimate)} is over confirmCostOver ($${ctx.config.confirmCostOver})`;
    if (!opts.confirm) {
      throw new UsageError(`${over}; not calling the model without confirmation`, {
        code: 'E_NOT_CONFIRMED',
        hint: 'pass --yes, raise confirmCostOver in specloop.toml, or pack less (--include, --token-budget)',
      });
    }
    if (!(await opts.confirm(estimate)))
      throw new UsageError('cancelled; nothing was sent', { code: 'E_CANCELLED' });
  }

  const shown = outputPath ? relative(ctx.cwd, outputPath) : 'stdout';
  // A spinner on stderr would tear through an answer streaming to the same terminal.
  if (outputPath) progress.start(`${task.name}: asking ${describeEstimate(estimate)}…`);
  else ctx.stderr.write(`${task.name}: asking ${describeEstimate(estimate)}…\n`);
  let chars = 0;
  let lastUpdate = 0;
  let res: Awaited<ReturnType<typeof llm.generate>>;
  try {
    res = await llm.generate({
      model,
      system,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      signal: ctx.signal,
      command: `task ${task.name}`,
      onText: (delta) => {
        chars += delta.length;
        if (!outputPath) ctx.stdout.write(delta);
        const now = ctx.clock.now();
        if (outputPath && ctx.stderr.isTTY && now - lastUpdate > 500) {
          lastUpdate = now;
          progress.update(`${task.name}: writing ${shown} (${formatCount(chars)} characters)…`);
        }
      },
    });
  } catch (err) {
    if (outputPath) progress.fail(`${task.name}: the model call failed; nothing written`);
    throw err;
  }
  if (ctx.signal.aborted) throw new InterruptedError();
  progress.stop();
  if (!outputPath && chars === 0 && res.text) ctx.stdout.write(res.text);
  if (!outputPath && !res.text.endsWith('\n')) ctx.stdout.write('\n');
  if (res.text.trim() === '') {
    throw new WorkError(`${model} returned an empty answer; nothing written`, {
      code: 'E_EMPTY_ANSWER',
      hint: 'run again, or try another model with -m',
    });
  }
  if (res.finishReason === 'length') {
    ctx.log.warn(`the answer hit ${model}'s output limit and may be cut off`);
  }
  const text = `${unwrapFence(res.text).trimEnd()}\n`;
  if (target?.draft) await ensureOutputDir(dirname(target.path), rootOf(ctx));
  if (outputPath) await atomicWrite(outputPath, text);
  return {
    task,
    outputPath,
    draft: target?.draft ?? false,
    text,
    model: res.model,
    usage: res.usage,
    cost: res.cost,
    estimate,
  };
}
