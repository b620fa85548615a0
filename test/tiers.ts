/**
 * Which test files run where. `npm test` (vitest.config.ts) is everything but SYSTEM_TESTS
 * and must stay under 2 minutes on 2 cores: logic, and the CLI in-process against real git
 * in one checkout, real loopback model / GitHub servers, real SQLite. `npm run test:system`
 * (vitest.system.config.ts) runs SYSTEM_TESTS: what costs real processes by the hundred —
 *   - the built binary as a user starts it (e2e, signals, kill -9 sweeps, pipes, MCP clients);
 *   - terminals driven through tmux;
 *   - runs over several checkouts: `--parallel` worktrees and `--team` with bare remotes,
 *     and the run contract in every mode side by side;
 *   - fuzz and property sweeps.
 * `.ci/run` runs both. On this 2-core VM a process start costs ~10 ms of kernel time, so
 * where a file lands is decided by how many processes it starts, not by what it checks.
 */
export const SYSTEM_TESTS = [
  // the built binary
  'test/e2e/**/*.test.ts',
  'test/cli/*-bin.test.ts',
  'test/cli/run-crash.test.ts',
  'test/cli/run-reliability.test.ts',
  'test/cli/run-failures.test.ts',
  'test/mcp/**/*.test.ts',
  // terminals
  'test/cli/*-tmux.test.ts',
  'test/cli/*-screens.test.ts',
  'test/cli/keys-tty.test.ts',
  // several checkouts: parallel worktrees, teams on bare remotes, every mode side by side
  'test/cli/run-contract.test.ts',
  'test/core/team/**/*.test.ts',
  'test/board/team-*.test.ts',
  'test/cli/team*.test.ts',
  'test/cli/*-team.test.ts',
  'test/cli/claim.test.ts',
  'test/cli/done.test.ts',
  'test/cli/change-run-modes.test.ts',
  // sweeps
  'test/core/plan/parse-fuzz.test.ts',
  'test/core/plan/property.test.ts',
  // real package trees from node_modules, each checked against gpt-tokenizer
  'test/cli/pack-real-trees.test.ts',
];

/**
 * `npm run test:agents` (vitest.agents.config.ts): the real agent CLIs, installed pinned into
 * a cache first. The MCP test with Claude Code as the client belongs here, not in the system
 * tier: there it ran only where an earlier `test:agents` had left the CLI (never on a clean
 * clone, where `.ci/run` runs the system tier first).
 */
export const AGENT_TESTS = ['test/agents/**/*.test.ts', 'test/mcp/claude-code.test.ts'];
