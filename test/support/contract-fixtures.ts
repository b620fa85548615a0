import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { git, initRepo } from './repo.js';
import { type FixtureStep, planText, stepTrailers, todoText } from './team-fixtures.js';
import { installTeamClaude } from './team-standin.js';

/**
 * The same scene in each run mode, for the contract test of the one run core: a repo (a
 * clone of a bare remote in team mode) whose plan's prompts carry action lines for the
 * stand-in `claude` (team-standin.ts), and a test command that is red on BROKEN and hangs
 * on out/HANG (for --test-timeout).
 */
export type Mode = 'solo' | 'parallel' | 'team';
export const MODES: Mode[] = ['solo', 'parallel', 'team'];
export const MODE_FLAGS: Record<Mode, string[]> = {
  solo: [],
  parallel: ['--parallel', '2'],
  team: ['--team'],
};

export const CONTRACT_CHECK = `#!/bin/sh
if [ -f out/HANG ]; then sleep 30; fi
if grep -rq BROKEN out 2>/dev/null; then echo "found BROKEN"; exit 1; fi
echo ok
`;

export interface Scene {
  mode: Mode;
  /** The working repository (the clone in team mode). */
  dir: string;
  /** The bare remote (team mode). */
  bare?: string;
  env: Record<string, string>;
  /** `specloop run <mode flags> …args` in-process. */
  run(args: string[]): ReturnType<typeof runCli>;
  /** The mode's flags, for real processes. */
  flags: string[];
  /** Step numbers landed for `planId` on the branch the mode lands on (or `branch`), oldest first. */
  landed(planId?: string, branch?: string): number[];
}

export function makeScene(
  root: string,
  mode: Mode,
  steps: FixtureStep[],
  extra: Record<string, string> = {},
): Scene {
  const bin = installTeamClaude(join(root, 'bin'));
  const env = { SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` };
  const files = {
    'prompt_plan.md': planText(steps),
    'todo.md': todoText(steps),
    'check.sh': CONTRACT_CHECK,
    'out/.keep': '',
    'specloop.toml':
      '[test]\ncommand = "sh check.sh"\n\n[run]\ntdd = false\nexecutor = "claude"\n\n[team]\nleaseSeconds = 5\n',
    ...extra,
  };
  let dir = join(root, 'repo');
  let bare: string | undefined;
  mkdirSync(dir);
  initRepo(dir, files);
  if (mode === 'team') {
    bare = join(root, 'remote.git');
    execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
    dir = join(root, 'alice');
    execFileSync('git', ['clone', '-q', bare, dir]);
    git(dir, 'config', 'user.name', 'alice');
    git(dir, 'config', 'user.email', 'alice@example.com');
  }
  const flags = MODE_FLAGS[mode];
  return {
    mode,
    dir,
    bare,
    env,
    flags,
    run: (args) => runCli(['run', ...flags, ...args], { cwd: dir, env }),
    landed(planId = 'prompt_plan', branch?: string) {
      const repo = bare ?? dir;
      const rev = branch ?? (bare ? 'main' : `specloop/${planId}`);
      if (!bare && !git(dir, 'branch', '--list', rev)) return [];
      const log = git(
        repo,
        'log',
        '--reverse',
        '--format=%(trailers:key=Specloop-Plan,valueonly)%x1f%(trailers:key=Specloop-Step,valueonly)%x1e',
        rev,
      );
      return log
        .split('\x1e')
        .map((r) => r.trim().split('\x1f'))
        .filter(([p, s]) => p?.trim() === planId && s?.trim())
        .map(([, s]) => Number(s));
    },
  };
}

/** Every file under `dir` (content hash; .git reduced to refs, HEAD and info/exclude). */
function files(dir: string, out: Record<string, string>, prefix = ''): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = `${prefix}${name}`;
    if (rel === '.git') continue;
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) files(p, out, `${rel}/`);
    else out[rel] = createHash('sha1').update(readFileSync(p)).digest('hex');
  }
}

/** What a dry run must leave byte-identical: the tree (with .specloop/), every ref, HEAD, the remote. */
export function snapshot(s: Scene): Record<string, string> {
  const out: Record<string, string> = {};
  files(s.dir, out);
  out['<refs>'] = git(s.dir, 'for-each-ref', '--format=%(refname) %(objectname)');
  out['<HEAD>'] = readFileSync(join(s.dir, '.git', 'HEAD'), 'utf8');
  const exclude = join(s.dir, '.git', 'info', 'exclude');
  out['<exclude>'] = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
  out['<worktrees>'] = git(s.dir, 'worktree', 'list', '--porcelain');
  if (s.bare) out['<remote>'] = git(s.bare, 'for-each-ref', '--format=%(refname) %(objectname)');
  return out;
}

export { stepTrailers };
