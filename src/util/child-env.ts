import { SECRET_NAME } from './redact.js';

type Env = Record<string, string | undefined>;

/** The key each external agent CLI needs for itself (nothing else of that kind is passed). */
export const AGENT_KEYS: Record<string, string[]> = {
  claude: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'],
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
  aider: [
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'GEMINI_API_KEY',
    'DEEPSEEK_API_KEY',
    'OPENROUTER_API_KEY',
    'GROQ_API_KEY',
    'MISTRAL_API_KEY',
  ],
};

export interface ChildEnvOptions {
  /** Secret-named variables this child needs anyway (an agent's own key; `[test] passEnv`). */
  keep?: readonly string[];
  /** Values that must not reach the child under ANY name (specloop's stored keys). */
  secrets?: readonly string[];
}

/**
 * The environment for a process specloop starts on code it does not control — the project's
 * test command, the agent's `run_tests`, an external agent CLI. Code the agent just wrote runs
 * there, so it gets no credentials it does not need: no variable named like a secret
 * ({@link SECRET_NAME}) unless kept, and no variable whose value is one of `secrets`.
 */
export function childEnv(env: Env, o: ChildEnvOptions = {}): Record<string, string> {
  const keep = new Set(o.keep ?? []);
  const secrets = new Set((o.secrets ?? []).filter((s) => s.length >= 8));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (!keep.has(k) && (SECRET_NAME.test(k) || secrets.has(v))) continue;
    out[k] = v;
  }
  return out;
}
