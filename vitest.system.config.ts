import { configDefaults, defineConfig } from 'vitest/config';
import { AGENT_TESTS, SYSTEM_TESTS } from './test/tiers.js';

/**
 * `npm run test:system`: the built binary as a user runs it, tmux terminals, kill -9 sweeps,
 * runs over several checkouts (parallel, team) and fuzzing (test/tiers.ts). Separate from
 * `npm test`, which stays under 2 minutes; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: SYSTEM_TESTS,
    exclude: [...configDefaults.exclude, ...AGENT_TESTS],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // These wait on processes and terminals far more than they compute.
    maxWorkers: 3,
  },
});
