import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real agent CLIs' contract tests run with `npm run test:agents` (vitest.agents.config.ts).
    exclude: [...configDefaults.exclude, 'test/agents/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes (git, node, tmux), not on the CPU: vitest's
    // default of cores − 1 workers leaves a 2-core machine half idle.
    maxWorkers: 4,
    isolate: false,
  },
});
