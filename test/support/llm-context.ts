import { createLlmClient } from '../../src/core/llm/index.js';
import type { LlmClient } from '../../src/core/llm/types.js';
import { makeTestContext, type TestContext } from './context.js';
import { tempDir } from './repo.js';

/**
 * A test Context wired to the REAL LLM client (no scripted fake): point `env` at the
 * wire-level fake server. Retries are fast by default (retryBaseMs 1).
 */
export async function makeLlmContext(opts: {
  env?: Record<string, string | undefined>;
  config?: Record<string, unknown>;
  llmOptions?: { record?: string; replay?: string };
  signal?: AbortSignal;
}): Promise<{ ctx: TestContext; llm: LlmClient; home: string; cleanup: () => void }> {
  const t = tempDir('specloop-llm-');
  // Like config loading does: SPECLOOP_MODEL is models.default.
  const models = { ...(opts.config?.models as object | undefined) };
  if (opts.env?.SPECLOOP_MODEL) Object.assign(models, { default: opts.env.SPECLOOP_MODEL });
  const config = {
    ...opts.config,
    models,
    llm: { retryBaseMs: 1, timeoutMs: 5000, ...(opts.config?.llm as object | undefined) },
  };
  const ctx = makeTestContext({ cwd: t.dir, home: t.dir, env: opts.env, config, signal: opts.signal });
  ctx.llmOptions = opts.llmOptions ?? {};
  const llm = await createLlmClient(ctx);
  return { ctx, llm, home: t.dir, cleanup: t.cleanup };
}
