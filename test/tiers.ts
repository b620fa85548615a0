/**
 * Which test files run where. `npm test` (vitest.config.ts) is everything but SYSTEM_TESTS
 * and must stay under 2 minutes on 2 cores; `npm run test:system` (vitest.system.config.ts)
 * runs SYSTEM_TESTS: the built binary as a user starts it (signals, kill -9 sweeps, pipes,
 * concurrent runs), terminals driven through tmux, and the run contract in every mode side
 * by side. `.ci/run` runs both. A new file belongs here when it mostly waits on real
 * processes or terminals rather than testing logic.
 */
export const SYSTEM_TESTS = [
  'test/e2e/**/*.test.ts',
  'test/cli/*-tmux.test.ts',
  'test/cli/*-screens.test.ts',
  'test/cli/keys-tty.test.ts',
  'test/cli/*-bin.test.ts',
  'test/cli/run-crash.test.ts',
  'test/cli/run-reliability.test.ts',
  'test/cli/run-contract.test.ts',
  'test/mcp/claude-code.test.ts',
];
