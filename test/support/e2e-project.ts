import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CliResult, runBin } from './cli.js';
import { git, initRepo } from './repo.js';

/**
 * Helpers for the end-to-end tests: a tiny Node project as a new user would have it,
 * the built binary run in it, and snapshots of the resulting tree and history.
 */

/** package.json of the tiny project: ESM, `node --test` as its test script. */
export const ADDER_PACKAGE = `${JSON.stringify(
  { name: 'adder', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } },
  null,
  2,
)}\n`;

/** A git repo on branch main holding the tiny project: package.json and an empty src/. */
export function makeNodeProject(dir: string, extra: Record<string, string> = {}): string {
  return initRepo(dir, { 'package.json': ADDER_PACKAGE, 'src/.gitkeep': '', ...extra });
}

/** A byte-for-byte copy of a repo (work tree and .git), e.g. to replay on the same start. */
export function copyRepo(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

export type Bin = (argv: string[], opts?: { stdin?: string; timeoutMs?: number }) => Promise<CliResult>;

/**
 * A runner for the built binary in `cwd` with exactly `env` (plus PATH and HOME).
 * A failing command fails loudly with its output unless `expect` says otherwise.
 */
export function binIn(cwd: string, env: Record<string, string>): Bin {
  return (argv, opts = {}) => runBin(argv, { cwd, env, stdin: opts.stdin, timeoutMs: opts.timeoutMs });
}

/** Throw with the command's output when it did not exit with `code`. */
export function expectCode(r: CliResult, code: number, what: string): CliResult {
  if (r.code !== code)
    throw new Error(
      `${what}: exit ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  return r;
}

/** Every file under `dir` (except .git/, node_modules/ and .specloop/) → its text. */
export function treeFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      if (name === '.git' || name === 'node_modules' || name === '.specloop') continue;
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** `subject | Specloop-Step | Specloop-Plan` for every commit on HEAD, oldest first. */
export function commitLines(dir: string): string[] {
  return git(
    dir,
    'log',
    '--reverse',
    '--format=%s|%(trailers:key=Specloop-Step,valueonly,separator=%x2C)|%(trailers:key=Specloop-Plan,valueonly,separator=%x2C)',
  )
    .split('\n')
    .filter(Boolean);
}

/** The `Specloop-Step` trailer values of HEAD's history, oldest first. */
export function stepTrailers(dir: string): number[] {
  return git(dir, 'log', '--reverse', '--format=%(trailers:key=Specloop-Step,valueonly)')
    .split('\n')
    .filter((l) => l.trim())
    .map(Number);
}
