import { defineConfig } from 'vitest/config';
import { AGENT_TESTS } from './test/tiers.js';

/**
 * `npm run test:agents`: contract tests against the REAL agent CLIs (Claude Code, Codex),
 * installed pinned into a cache outside the repo (test/agents/install-clis.ts). Separate
 * from `npm test`, which stays fast and offline.
 */
export default defineConfig({
  test: {
    include: AGENT_TESTS,
    // the built binary (the MCP test runs `specloop mcp` as a user would), then the CLIs
    globalSetup: ['test/support/global-setup.ts', 'test/agents/install-clis.ts'],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
