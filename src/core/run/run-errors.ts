import { UsageError } from '../errors.js';

/**
 * The error catalogue of `specloop run` in every mode (solo, --parallel, --team) and of
 * `specloop done`: one wording per condition, so the modes cannot drift apart.
 */
export const runErrors = {
  noTestCommand: () =>
    new UsageError('no test command configured: specloop only commits steps its own test run accepts', {
      code: 'E_NO_TEST_CMD',
      hint: 'run `specloop init` (it detects one and writes [test] command to specloop.toml), or pass --test-cmd "npm test"',
    }),
  dirty: (lines: string[], hint: string) => {
    const list = lines.slice(0, 8).map((l) => `  ${l}`);
    if (lines.length > 8) list.push(`  … and ${lines.length - 8} more`);
    return new UsageError(`the working tree has uncommitted changes:\n${list.join('\n')}`, {
      code: 'E_DIRTY',
      hint,
    });
  },
  detachedHead: (what: string) =>
    new UsageError(`HEAD is detached: ${what}`, {
      code: 'E_DETACHED',
      hint: 'check out a branch first (git switch <branch>), or name one with --branch NAME',
    }),
  noStep: (n: number, first?: number, last?: number) =>
    new UsageError(`the plan has no step ${n}`, {
      code: 'E_NO_STEP',
      hint: first === undefined ? 'see `specloop status`' : `steps are ${first}–${last}`,
    }),
  flagNotInMode: (flag: string, mode: string, why: string) =>
    new UsageError(`${flag} does not apply to ${mode}: ${why}`, { code: 'E_FLAG_MODE' }),
};
