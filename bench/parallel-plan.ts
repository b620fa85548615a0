import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FixtureStep, seedRepo } from '../test/support/team-fixtures.js';
import { installTeamClaude } from '../test/support/team-standin.js';

/** The plan of `bench:parallel`: 1 → {2,3,4,5} → 6, each step `stepMs` of stand-in executor time. */
export function parallelPlan(stepMs: number): FixtureStep[] {
  return [
    { title: 'scaffold', actions: [`SLEEP ${stepMs}`, 'WRITE out/base.txt base'] },
    ...[2, 3, 4, 5].map((n) => ({
      title: `feature ${n}`,
      deps: [1],
      actions: [`SLEEP ${stepMs}`, `WRITE out/f${n}.txt f${n}`],
    })),
    { title: 'wire up', deps: [2, 3, 4, 5], actions: [`SLEEP ${stepMs}`, 'WRITE out/wire.txt wire'] },
  ];
}

/** Steps on the critical path of {@link parallelPlan}. */
export const CRITICAL_STEPS = 3;

/** The levels of {@link parallelPlan}: steps of one level may run side by side. */
export const LEVELS = [[1], [2, 3, 4, 5], [6]];

/**
 * The best any scheduler could do with these executors on this machine: the stand-in
 * `claude` processes alone, level by level (one, four side by side, one), with no scheduler,
 * git or test work at all. Its wall time holds what the nominal critical path leaves out:
 * each executor's own process start, and four of them starting at once on few cores.
 */
export async function idealSchedule(bin: string, stepMs: number): Promise<number> {
  const plan = parallelPlan(stepMs);
  const dir = mkdtempSync(join(bin, '..', 'ideal-'));
  const one = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(join(bin, 'claude'), ['-p', '--output-format', 'stream-json'], {
        cwd: dir,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      c.on('error', reject);
      c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`stand-in exited ${code}`))));
      c.stdin.end(`${(plan[n - 1] as FixtureStep).actions.join('\n')}\n`);
    });
  try {
    const started = performance.now();
    for (const level of LEVELS) await Promise.all(level.map(one));
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A repo with the plan and the stand-in `claude` in `root`; returns the repo and the PATH entry. */
export function seedParallelBench(root: string, stepMs: number): { repo: string; bin: string } {
  const repo = join(root, 'repo');
  mkdirSync(repo);
  seedRepo(repo, parallelPlan(stepMs), 'executor = "claude"\n');
  return { repo, bin: installTeamClaude(join(root, 'bin')) };
}

/**
 * A `git` in front of the real one that appends `<ms since epoch>\t<cwd>\t<argv>` per call
 * to `log` (GNU date; for counting and timing calls, not for speed figures).
 */
export function installGitLogger(dir: string, log: string, realGit = '/usr/bin/git'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'git');
  writeFileSync(
    file,
    `#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' "$(date +%s%3N)" "$PWD" "$*" >> '${log}'\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(file, 0o755);
  return dir;
}
