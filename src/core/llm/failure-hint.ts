import { HINTS } from './infra-error.js';
import type { ModelRef } from './model-ref.js';
import type { Failure } from './retry.js';

/** What the user can do about a failed model call, by kind of failure. */
export function failureHint(f: Failure, ref: ModelRef, timeoutMs: number): string {
  if (f.infra === 'context' || f.infra === 'quota' || f.infra === 'dns' || f.infra === 'tls')
    return HINTS[f.infra];
  switch (f.kind) {
    case 'network':
      return 'is the endpoint up? check the base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST or [providers] in the config)';
    case 'timeout':
      return `no answer within llm.timeoutMs (${timeoutMs} ms): raise it, or check the endpoint`;
    case 'malformed':
    case 'cut':
      return 'the endpoint sent an invalid or incomplete answer; is the base URL an OpenAI/Anthropic-compatible API?';
  }
  if (f.status === 401 || f.status === 403) {
    const p = ref.compatibleName ?? ref.provider;
    return `the provider rejected the API key; check it, or store another with \`specloop keys set ${p}\``;
  }
  if (f.status === 404 || f.infra === 'model')
    return `check the model name "${ref.modelId}" (\`specloop models\`) and the base URL`;
  if (f.status === 429) return 'rate limited: wait a little, or raise llm.maxRetries / llm.retryBaseMs';
  return 'the provider failed; try again later';
}
