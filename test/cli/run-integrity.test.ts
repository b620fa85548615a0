import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, tempDir } from '../support/repo.js';
import { history, makeProject, ticked } from '../support/run-fixtures.js';
import { installStandins } from '../support/run-standins.js';

/** An external agent that cheats: the step lands on its real work only. */
describe('specloop run: the integrity rule for external executors', () => {
  const cleanups = useCleanups();

  it.each(['claude', 'codex', 'aider'] as const)(
    '%s edits todo.md, specloop.toml, .specloop/, a git hook and .gitignore: the step lands without them',
    async (tool) => {
      const t = tempDir('specloop-integrity-');
      const b = tempDir('specloop-bin-');
      cleanups.push(t.cleanup, b.cleanup);
      const dir = makeProject(t.dir, { commitPlan: true });
      const toml = readFileSync(join(dir, 'specloop.toml'), 'utf8');
      const bin = installStandins(b.dir, [tool]);
      const r = await runCli(['run', '--next', '--executor', tool], {
        cwd: dir,
        env: { SPECLOOP_HOME: join(dir, '.home'), PATH: `${bin}:${process.env.PATH}`, STANDIN_MODE: 'cheat' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /undid changes to todo\.md, specloop\.toml, \.specloop\/templates\/agent-system\.md, \.git\/hooks\/pre-commit, \.gitignore/,
      );
      expect(history(dir).at(-1)).toBe('step 1: First function|1|prompt_plan');
      // Only specloop ticked, and only the step that passed.
      expect(ticked(dir)).toEqual([1]);
      expect(readFileSync(join(dir, 'specloop.toml'), 'utf8')).toBe(toml);
      expect(git(dir, 'show', 'HEAD:specloop.toml')).toBe(toml.trimEnd());
      expect(existsSync(join(dir, '.specloop/templates/agent-system.md'))).toBe(false);
      expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).not.toContain('src/hidden.js');
      const files = git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort();
      expect(files).toEqual(['src/hidden.js', 'src/step1.js', 'test/step1.test.js', 'todo.md']);
      expect(git(dir, 'status', '--porcelain')).toBe('');
    },
  );
});
