import { afterAll, afterEach } from 'vitest';
import { type FakeLlm, startFakeLlm } from './fake-llm-server.js';
import { tempDir } from './repo.js';

export interface Cleanups {
  /** Run these after the test (a dir's cleanup, a server's close, …). */
  push(...fns: Array<() => unknown>): void;
  /** A fresh temp dir, removed after the test. */
  tmp(prefix?: string): string;
  /** A wire-level fake LLM server (see fake-llm-server.ts), closed after the test. */
  fakeLlm(...args: Parameters<typeof startFakeLlm>): Promise<FakeLlm>;
}

/**
 * What a test creates and must release: call once per file (or describe block). After each
 * test every pushed cleanup runs, newest first and awaited, whether the test passed or not.
 * `'all'`: after the whole block instead — for concurrent tests, where one test's afterEach
 * would release what another still uses.
 */
export function useCleanups(scope: 'each' | 'all' = 'each'): Cleanups {
  const pending: Array<() => unknown> = [];
  (scope === 'all' ? afterAll : afterEach)(async () => {
    for (const fn of pending.splice(0).reverse()) await fn();
  });
  return {
    push: (...fns) => void pending.push(...fns),
    tmp(prefix) {
      const t = tempDir(prefix);
      pending.push(t.cleanup);
      return t.dir;
    },
    async fakeLlm(...args) {
      const fake = await startFakeLlm(...args);
      pending.push(() => fake.close());
      return fake;
    },
  };
}
