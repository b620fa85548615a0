import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLibrary } from '../support/brownfield-fixtures.js';
import {
  CHANGE_TODO,
  changePlan,
  isPlanRequest,
  isTodoRequest,
  libraryAgent,
} from '../support/change-fixtures.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';

/**
 * `change --run` hands the new plan to the one run core with the run's own settings, so
 * `--parallel N` and `--team` work as for `specloop run --from changes/<slug>.md`.
 */

const REQUEST = "Add pascalCase(input) next to camelCase: pascalCase('foo-bar') returns 'FooBar'";
const cleanups = useCleanups();

async function setup(o: { team?: boolean } = {}) {
  const t = tempDir('specloop-change-modes-');
  cleanups.push(t.cleanup);
  mkdirSync(join(t.dir, 'lib'));
  let dir = makeLibrary(join(t.dir, 'lib'));
  let bare: string | undefined;
  if (o.team) {
    bare = join(t.dir, 'remote.git');
    execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
    dir = join(t.dir, 'alice');
    execFileSync('git', ['clone', '-q', bare, dir]);
    git(dir, 'config', 'user.name', 'alice');
    git(dir, 'config', 'user.email', 'alice@example.com');
  }
  const fake = await startFakeLlm((req) =>
    isPlanRequest(req) ? changePlan() : isTodoRequest(req) ? CHANGE_TODO : libraryAgent(req),
  );
  cleanups.push(() => fake.close());
  const env = { ...fake.env(), SPECLOOP_HOME: join(t.dir, 'home') };
  const change = (...args: string[]) =>
    runCli(['change', REQUEST, '--no-questions', '--name', 'pascal', ...args], { cwd: dir, env });
  return { dir, bare, change };
}

const trailers = (repo: string, range: string) =>
  git(repo, 'log', '--format=%(trailers:key=Specloop-Step,valueonly)', range)
    .split('\n')
    .filter(Boolean)
    .sort();

describe('change --run in every run mode', () => {
  it('--parallel 2 runs the plan through the worktree strategy on specloop/<slug>', async () => {
    const s = await setup();
    const r = await s.change('--run', '--parallel', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ mode: 'parallel', integrationBranch: 'specloop/pascal', remaining: [] });
    expect(result.done.sort()).toEqual([1, 2]);
    expect(trailers(s.dir, 'main..specloop/pascal')).toEqual(['1', '2']);
    expect(git(s.dir, 'show', 'specloop/pascal:index.js')).toContain('export function pascalCase');
    expect(git(s.dir, 'status', '--porcelain')).toBe('');
  });

  it('--team commits the plan on specloop/<slug>, publishes it, and lands the steps on the remote', async () => {
    const s = await setup({ team: true });
    const r = await s.change('--run', '--team', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('published specloop/pascal to origin as the integration branch');
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'team', remaining: [] });
    const remote = s.bare!;
    expect(trailers(remote, 'main..specloop/pascal')).toEqual(['1', '2']);
    // The plan's own commit holds the plan and its todo, nothing else.
    const first = git(remote, 'rev-list', '--reverse', 'main..specloop/pascal').split('\n')[0]!;
    expect(git(remote, 'show', '--name-only', '--format=%s', first).trim().split('\n')).toEqual([
      'specloop: add plan changes/pascal.md',
      '',
      'changes/pascal.md',
      'changes/pascal.todo.md',
    ]);
    expect(git(remote, 'show', 'specloop/pascal:test.js')).toContain('pascalCase');
    expect(git(remote, 'rev-parse', 'main')).toBe(git(s.dir, 'rev-parse', 'origin/main'));
  });

  it('run flags without --run, and --yes with --team, are exit 2 before any model call', async () => {
    const s = await setup();
    const alone = await s.change('--parallel', '2');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--parallel goes with --run');
    const yes = await s.change('--run', '--team', '--yes');
    expect(yes.code).toBe(2);
    expect(yes.stderr).toContain('--yes does not apply to --team');
  });
});
