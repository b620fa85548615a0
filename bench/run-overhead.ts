/**
 * Per-step overhead of `specloop run` itself: everything but the executor and the tests
 * (plan/todo handling, git status/add/commit, the todo tick, journal writes, prompt
 * rendering, events). Target: < 200 ms per step.
 *
 * A real temp git repo, a plan of N steps, an in-process stand-in executor that writes two
 * files per step, and `true` as the test command; their measured time is subtracted.
 *
 *   npm run bench:run [-- --steps 20]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildContext } from '../src/cli/context.js';
import type { Executor } from '../src/core/run/index.js';
import { resolveRunSettings, runPlan } from '../src/core/run/index.js';

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 20;
const dir = mkdtempSync(join(tmpdir(), 'specloop-bench-run-'));
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });

const titles = Array.from({ length: steps }, (_, i) => `Function ${i + 1}`);
write(
  'prompt_plan.md',
  `# Bench plan\n\n${titles.map((t, i) => `## Step ${i + 1}: ${t}\n\n\`\`\`text\nWrite src/f${i + 1}.js.\n\`\`\`\n`).join('\n')}`,
);
write('todo.md', `# Todo\n\n${titles.map((t, i) => `- [ ] Step ${i + 1}: ${t}`).join('\n')}\n`);
write('specloop.toml', '[test]\ncommand = "true"\n');
// SPECLOOP_HOME lives in the repo (.home/): never part of the tree the run checks.
write('.gitignore', '.home/\n');
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'Bench');
git('config', 'user.email', 'bench@example.com');
git('config', 'commit.gpgsign', 'false');
git('add', '-A');
git('commit', '-qm', 'initial');

let executorMs = 0;
let testMs = 0;
const executor: Executor = {
  name: 'builtin',
  label: 'stand-in',
  async run(input) {
    const t0 = performance.now();
    write(`src/f${input.step}.js`, `export const f${input.step} = () => ${input.step};\n`);
    write(`test/f${input.step}.test.js`, `// test for f${input.step}\n`);
    executorMs += performance.now() - t0;
    return { ok: true, usage: { inputTokens: 0, outputTokens: 0 }, cost: null };
  },
};

const io = {
  env: { ...process.env, SPECLOOP_HOME: join(dir, '.home') },
  cwd: dir,
  stdin: process.stdin,
  stdout: { write: (s: string) => void process.stdout.write(s), isTTY: false },
  stderr: { write: () => {}, isTTY: false },
  signal: new AbortController().signal,
};
const ctx = await buildContext(io, {}, 'run');
let firstStepAt = 0;
const t0 = performance.now();
const result = await runPlan(ctx, resolveRunSettings(ctx, {}), {
  executor,
  onEvent: (e) => {
    if (e.type === 'step-start' && e.index === 1) firstStepAt = performance.now();
    if (e.type === 'tests-end') testMs += e.durationMs;
  },
});
const total = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });
if (result.exitCode !== 0 || result.steps.length !== steps)
  throw new Error(`bench run failed: ${JSON.stringify(result)}`);

const setup = firstStepAt - t0;
const loop = total - setup;
const perStep = (loop - executorMs - testMs) / steps;
const fmt = (n: number) => `${n.toFixed(1)} ms`;
console.log(`specloop run overhead — ${steps} steps, stand-in executor, test command \`true\``);
console.log(`  start-up (plan, branch, recovery checks, plan commit): ${fmt(setup)}`);
console.log(`  loop total ${fmt(loop)} = executor ${fmt(executorMs)} + tests ${fmt(testMs)} + specloop`);
console.log(
  `  per-step overhead of specloop itself: ${fmt(perStep)} (target < 200 ms) ${perStep < 200 ? 'OK' : 'OVER'}`,
);
