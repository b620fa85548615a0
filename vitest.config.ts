import { configDefaults, defineConfig } from 'vitest/config';
import { SYSTEM_TESTS } from './test/tiers.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real agent CLIs' contract tests run with `npm run test:agents` (vitest.agents.config.ts);
    // process- and terminal-level suites with `npm run test:system` (test/tiers.ts).
    exclude: [...configDefaults.exclude, 'test/agents/**', ...SYSTEM_TESTS],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes (git, node), not on the CPU: vitest's default of
    // cores − 1 workers leaves a 2-core machine half idle.
    maxWorkers: 4,
    // No test mocks modules, so files may share a worker's module cache: re-importing the
    // CLI for each of ~150 files cost ~120 CPU-seconds.
    isolate: false,
  },
});
