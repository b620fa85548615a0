import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Context } from '../../src/core/context.js';
import { loadPlanSource, type RunFlags, resolveRunSettings } from '../../src/core/run/index.js';
import type { ExecuteFn, TeamDeps, TeamRunResult } from '../../src/core/team/index.js';
import { runParallelImpl } from '../../src/core/team/parallel-run.js';
import { runTeamImpl } from '../../src/core/team/team-run.js';
import { git, initRepo } from './repo.js';

/**
 * Fixtures for the multiplayer tests: plans whose prompts carry tiny action lines a
 * stand-in executor understands, a test command over the result, and a bare remote with
 * clones. Action lines (at the start of a prompt line):
 *   WRITE <path> <text>    write the file with one line of text
 *   APPEND <path> <text>   append one line
 *   SLEEP <ms>             take this long
 * The test command (`sh check.sh`) is red while any file under out/ contains BROKEN.
 */
export interface FixtureStep {
  title: string;
  /** Explicit dependencies; omitted ⇒ none (`Depends on: none`). */
  deps?: number[];
  actions: string[];
}

export function planText(steps: FixtureStep[]): string {
  const sections = steps.map((s, i) =>
    [
      `## Step ${i + 1}: ${s.title}`,
      '',
      `Depends on: ${s.deps?.length ? s.deps.join(', ') : 'none'}`,
      '',
      '```text',
      `Implement ${s.title}.`,
      ...s.actions,
      '```',
      '',
    ].join('\n'),
  );
  return `# Fixture plan\n\nSteps with action lines for the stand-in executor.\n\n${sections.join('\n')}`;
}

export function todoText(steps: FixtureStep[]): string {
  return `# Todo\n\n${steps.map((s, i) => `- [ ] Step ${i + 1}: ${s.title}`).join('\n')}\n`;
}

export const CHECK_SH = `#!/bin/sh
# red while any file under out/ says BROKEN
if grep -rq BROKEN out 2>/dev/null; then echo "found BROKEN"; exit 1; fi
echo ok
`;

/** Apply the action lines found in `prompt` inside `dir` (what the stand-in executors do). */
export async function applyActions(dir: string, prompt: string): Promise<string[]> {
  const done: string[] = [];
  for (const line of prompt.split('\n')) {
    const m = /^(WRITE|APPEND|SLEEP) (\S+)(?: (.*))?$/.exec(line.trim());
    if (!m) continue;
    const [, op, arg, text = ''] = m;
    if (op === 'SLEEP') {
      await new Promise((r) => setTimeout(r, Number(arg)));
      continue;
    }
    const file = join(dir, arg as string);
    mkdirSync(dirname(file), { recursive: true });
    if (op === 'WRITE') writeFileSync(file, `${text}\n`);
    else appendFileSync(file, `${text}\n`);
    done.push(`${op} ${arg}`);
  }
  return done;
}

/** An in-process stand-in for run's executeStep: applies the actions, then runs check.sh once. */
export function fakeExecute(record: { step: number; prompt: string; dir: string }[] = []): ExecuteFn {
  return async ({ dir, step, note }) => {
    const prompt = note ? `${step.prompt}\n\n${note}` : step.prompt;
    record.push({ step: step.number, prompt, dir });
    await applyActions(dir, prompt);
    let ok = true;
    try {
      execFileSync('sh', ['check.sh'], { cwd: dir, stdio: 'ignore' });
    } catch {
      ok = false;
    }
    return {
      ok,
      attempts: 1,
      cost: 0,
      costKnown: true,
      usage: { inputTokens: 0, outputTokens: 0 },
      usageKnown: false,
      reason: ok ? undefined : 'tests red',
    };
  };
}

/** A repo (branch main) holding the plan, todo.md, check.sh and a specloop.toml. */
export function seedRepo(dir: string, steps: FixtureStep[], toml = ''): string {
  return initRepo(dir, {
    'prompt_plan.md': planText(steps),
    'todo.md': todoText(steps),
    'check.sh': CHECK_SH,
    'out/.keep': '',
    'specloop.toml': `[test]\ncommand = "sh check.sh"\n\n[run]\ntdd = false\n${toml}`,
  });
}

/** A bare remote seeded with the fixture, and a function making clones (each with its own user.name). */
export function makeRemote(
  root: string,
  steps: FixtureStep[],
  toml = '',
): { bare: string; clone: (name: string) => string } {
  const seed = join(root, 'seed');
  mkdirSync(seed);
  seedRepo(seed, steps, toml);
  const bare = join(root, 'remote.git');
  execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
  return {
    bare,
    clone(name: string) {
      const dir = join(root, name);
      execFileSync('git', ['clone', '-q', bare, dir]);
      git(dir, 'config', 'user.name', name);
      git(dir, 'config', 'user.email', `${name}@example.com`);
      git(dir, 'config', 'commit.gpgsign', 'false');
      return dir;
    },
  };
}

/** `Specloop-Step` trailer values on `rev`, oldest first (duplicates kept, to check exactly-once). */
export function stepTrailers(repo: string, rev: string): number[] {
  const out = git(repo, 'log', '--reverse', '--format=%(trailers:key=Specloop-Step,valueonly)', rev);
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
}

export function readIf(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** `run --parallel` in-process: the same settings resolution as the CLI; `--no-branch` unless `branch` is given. */
export async function parallelRun(
  ctx: Context,
  flags: RunFlags,
  deps: TeamDeps = {},
): Promise<TeamRunResult> {
  const settings = resolveRunSettings(ctx, { branch: false, ...flags, parallel: flags.parallel ?? 1 });
  const src = await loadPlanSource(ctx, { repoRoot: ctx.cwd, from: settings.from });
  return runParallelImpl(ctx, settings, src, deps);
}

/** `run --team` in-process, with the CLI's settings resolution. */
export async function teamRun(ctx: Context, flags: RunFlags, deps: TeamDeps = {}): Promise<TeamRunResult> {
  const settings = resolveRunSettings(ctx, { ...flags, team: true });
  const src = await loadPlanSource(ctx, { repoRoot: ctx.cwd, from: settings.from });
  return runTeamImpl(ctx, settings, src, deps);
}
