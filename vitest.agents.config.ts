import { defineConfig } from 'vitest/config';

/**
 * `npm run test:agents`: contract tests against the REAL agent CLIs (Claude Code, Codex),
 * installed pinned into a cache outside the repo (test/agents/install-clis.ts). Separate
 * from `npm test`, which stays fast and offline.
 */
export default defineConfig({
  test: {
    include: ['test/agents/**/*.test.ts'],
    globalSetup: ['test/agents/install-clis.ts'],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
