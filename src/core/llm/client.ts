import { resolve } from 'node:path';
import { redact } from '../../util/redact.js';
import type { Context } from '../context.js';
import { InterruptedError, isSpecloopError, WorkError } from '../errors.js';
import { knownSecrets } from '../keys/index.js';
import { writeCall } from '../logs/index.js';
import { type AttemptOutput, runAttempt } from './attempt.js';
import { promptText, responseText, toModelMessages, toSdkTools } from './convert.js';
import { failureHint } from './failure-hint.js';
import { InfraError, infraMessage } from './infra-error.js';
import { type ModelRef, parseModelRef, resolveModelSpec } from './model-ref.js';
import { costOf } from './prices.js';
import { createProviderModel, type ProviderTarget } from './providers.js';
import { appendRecord, createReplayer, type NormalisedRequest, normaliseRequest } from './recording.js';
import { backoffMs, classify } from './retry.js';
import { sleep } from './sleep.js';
import { dedupingSink } from './stream-dedupe.js';
import type { LlmClient, LlmRequest, LlmResponse } from './types.js';

/** Replace every known secret in a text (errors, logs) with `***`, and key shapes and URL passwords too. */
export function scrub(text: string, secrets: string[]): string {
  return redact(text, secrets);
}

/** The AI SDK-backed client: providers, retries, timeouts, record/replay and the call log. */
export function createClient(ctx: Context): LlmClient {
  const { config } = ctx;
  // The SDK prints its warnings with console.info/warn — stdout included, which would corrupt
  // piped answers. Route them to debug output instead (one process, one CLI context).
  (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (o: { warnings: unknown[] }) => {
    for (const w of o.warnings) ctx.log.debug(`AI SDK warning: ${JSON.stringify(w)}`);
  };
  const targets = new Map<string, Promise<ProviderTarget>>();
  // Relative paths are relative to the command's directory (`-C` included), like every file argument.
  const recordFile = ctx.llmOptions.record ? resolve(ctx.cwd, ctx.llmOptions.record) : undefined;
  const replayer = ctx.llmOptions.replay
    ? createReplayer(resolve(ctx.cwd, ctx.llmOptions.replay))
    : undefined;

  async function callProvider(ref: ModelRef, req: LlmRequest, secrets: string[]): Promise<AttemptOutput> {
    let pending = targets.get(ref.spec);
    if (!pending) targets.set(ref.spec, (pending = createProviderModel(ctx, ref)));
    const target = await pending;
    secrets.push(...target.secrets);
    const messages = toModelMessages(req.messages);
    const tools = toSdkTools(req.tools);
    const sink = dedupingSink(req.onText);
    const { maxRetries, retryBaseMs, timeoutMs } = config.llm;
    const outer = req.signal ? AbortSignal.any([ctx.signal, req.signal]) : ctx.signal;
    for (let attempt = 0; ; attempt++) {
      if (outer.aborted) throw new InterruptedError();
      const timeout = new AbortController();
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      // For streams this is an idle timeout (reset on every part); otherwise the whole request.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          timeout.abort(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      };
      arm();
      try {
        return await runAttempt({
          model: target.model,
          system: req.system,
          messages,
          tools,
          stream: Boolean(req.stream),
          onText: req.stream ? sink.attempt() : undefined,
          maxOutputTokens: req.maxOutputTokens,
          temperature: req.temperature,
          signal: AbortSignal.any([outer, timeout.signal]),
          onActivity: arm,
        });
      } catch (err) {
        if (outer.aborted) throw new InterruptedError();
        if (isSpecloopError(err)) throw err;
        const f = classify(err, { timedOut, timeoutMs });
        const where = f.url ?? target.baseURL;
        const what = scrub(`${f.reason}${f.detail ? `: ${f.detail}` : ''} (${where})`, secrets);
        // Wrong URL, key or model, or a request the model cannot take: no retry can help.
        if (f.infra)
          throw new InfraError(f.infra, `model call to ${ref.spec} failed: ${infraMessage(f.infra, what)}`, {
            hint: failureHint(f, ref, timeoutMs),
            cause: err,
          });
        if (!f.retryable || attempt >= maxRetries) {
          const tries = attempt + 1;
          throw new WorkError(
            `model call to ${ref.spec} failed${tries > 1 ? ` after ${tries} attempts` : ''}: ${what}`,
            { code: 'E_LLM', hint: failureHint(f, ref, timeoutMs), cause: err },
          );
        }
        const wait = backoffMs(f, attempt, retryBaseMs);
        ctx.log.warn(`${what}; retry ${attempt + 1}/${maxRetries} in ${(wait / 1000).toFixed(1)}s`);
        await sleep(wait, outer);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  function replay(norm: NormalisedRequest, req: LlmRequest): AttemptOutput {
    const r = replayer!.answer(norm);
    if (req.stream && r.text) req.onText?.(r.text);
    return { text: r.text, toolCalls: r.toolCalls, usage: r.usage, finishReason: r.finishReason };
  }

  return {
    resolveModel: (opts) => resolveModelSpec(config, opts),
    async preflight(opts) {
      const spec = resolveModelSpec(config, opts);
      const ref = parseModelRef(spec, config);
      // A replay answers from the file: no provider, no key needed.
      if (replayer) return;
      if (!targets.has(ref.spec)) targets.set(ref.spec, createProviderModel(ctx, ref));
      await targets.get(ref.spec);
    },
    async generate(req: LlmRequest): Promise<LlmResponse> {
      const spec = resolveModelSpec(config, req);
      const started = ctx.clock.now();
      const secrets: string[] = [];
      const norm = normaliseRequest(spec, req);
      const log = {
        time: new Date(started).toISOString(),
        command: req.command ?? ctx.command,
        role: req.role,
      };
      const prompt = promptText(req.system, req.messages);
      try {
        const ref = parseModelRef(spec, config);
        const out = replayer ? replay(norm, req) : await callProvider(ref, req, secrets);
        const durationMs = ctx.clock.now() - started;
        const cost = costOf(spec, out.usage, config);
        await writeCall(ctx, {
          ...log,
          model: spec,
          prompt,
          response: responseText(out.text, out.toolCalls),
          inputTokens: out.usage.inputTokens,
          outputTokens: out.usage.outputTokens,
          cost,
          durationMs,
        }).catch((e) => ctx.log.warn(`could not write the call log: ${(e as Error).message}`));
        if (recordFile) {
          appendRecord(
            recordFile,
            {
              v: 1,
              time: log.time,
              command: log.command,
              stream: Boolean(req.stream),
              request: norm,
              response: { ...out, model: spec },
            },
            [...secrets, ...knownSecrets(ctx)],
          );
        }
        return { ...out, model: spec, cost, durationMs };
      } catch (err) {
        const message = scrub(err instanceof Error ? err.message : String(err), secrets);
        await writeCall(ctx, {
          ...log,
          model: spec,
          prompt,
          durationMs: ctx.clock.now() - started,
          error: message,
        }).catch(() => {});
        if (isSpecloopError(err) || err instanceof InterruptedError) throw err;
        throw new WorkError(`model call to ${spec} failed: ${message}`, { code: 'E_LLM', cause: err });
      }
    },
  };
}
