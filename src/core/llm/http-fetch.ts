import { Agent, fetch as undiciFetch } from 'undici';

const agents = new Map<number, Agent>();

/**
 * The `fetch` every provider uses. Node's built-in fetch has its own hidden limits (300 s
 * until the response headers, 300 s of silence in the body) that cut off slow reasoning
 * models whatever `llm.timeoutMs` says. This one's limits sit just above `timeoutMs`, so our
 * own timer (client.ts, with its clear message) always decides, and a larger value works.
 */
export function timedFetch(timeoutMs: number): typeof globalThis.fetch {
  const limit = timeoutMs + 5_000;
  let agent = agents.get(limit);
  if (!agent) agents.set(limit, (agent = new Agent({ headersTimeout: limit, bodyTimeout: limit })));
  const dispatcher = agent;
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
}
