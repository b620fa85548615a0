/**
 * `npm run bench:parallel`: wall time of `specloop run --parallel 1` vs `--parallel 4` on a
 * 6-step plan where 4 steps are independent (1 → {2,3,4,5} → 6), with a stand-in executor
 * that takes a fixed time per step. The best a scheduler can do is the critical path
 * (3 steps); the target is within 1.3× of it. Not a test: it prints figures.
 *
 * BENCH_STEP_MS (default 2000) sets the executor's time per step; BENCH_ROUNDS (default 1)
 * runs both that many times, alternating, and prints medians (wall times on a shared machine
 * vary by ±0.5 s); BENCH_ONLY=4 skips the `--parallel 1` runs.
 *
 * Besides the nominal critical path (3 × BENCH_STEP_MS) it measures the ideal schedule: the
 * same stand-in executors run level by level with nothing else (idealSchedule), which is
 * what the nominal figure leaves out — each executor's own process start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { CRITICAL_STEPS, idealSchedule, seedParallelBench } from './parallel-plan.js';

const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 2000);

async function timeRun(parallel: number): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'specloop-bench-par-'));
  try {
    const { repo, bin } = seedParallelBench(root, STEP_MS);
    let err = '';
    const io = {
      env: { ...process.env, SPECLOOP_HOME: join(root, 'home'), PATH: `${bin}:${process.env.PATH}` },
      cwd: repo,
      stdin: process.stdin,
      stdout: { write: () => {}, isTTY: false },
      stderr: { write: (s: string) => void (err += s), isTTY: false },
      signal: new AbortController().signal,
    };
    const started = performance.now();
    const code = await main(['run', '--parallel', String(parallel)], io);
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`--parallel ${parallel} exited ${code}:\n${err}`);
    return ms;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const onlyFour = process.env.BENCH_ONLY === '4';
const critical = CRITICAL_STEPS * STEP_MS;
const serials: number[] = [];
const fours: number[] = [];
const ideals: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (!onlyFour) serials.push(await timeRun(1));
  fours.push(await timeRun(4));
  const root = mkdtempSync(join(tmpdir(), 'specloop-bench-ideal-'));
  try {
    ideals.push(await idealSchedule(seedParallelBench(root, STEP_MS).bin, STEP_MS));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const spread = (xs: number[]) =>
  xs.length > 1 ? `   (${xs.length} runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})` : '';
const row = (label: string, ms: number, xs: number[] = []) =>
  `${label.padEnd(28)} ${(ms / 1000).toFixed(2).padStart(7)} s   ${(ms / critical).toFixed(2)}× critical path${spread(xs)}`;
console.log(`6 steps (1 → {2,3,4,5} → 6), ${STEP_MS} ms of executor time per step\n`);
console.log(row('critical path (3 steps)', critical));
if (serials.length) console.log(row('run --parallel 1', median(serials), serials));
const par4 = median(fours);
console.log(row('run --parallel 4', par4, fours));
const ideal = median(ideals);
console.log(
  `\nideal schedule (the stand-ins alone, level by level): ${(ideal / 1000).toFixed(2)} s${spread(ideals)};` +
    ` --parallel 4 is ${(par4 / ideal).toFixed(2)}× it (${((par4 - ideal) / 1000).toFixed(2)} s of scheduler, git and test work)`,
);
console.log(
  `\n${serials.length ? `speed-up ${(median(serials) / par4).toFixed(2)}×; ` : ''}target ≤ 1.30× critical path: ${par4 / critical <= 1.3 ? 'met' : 'NOT met'} (nominal), ${par4 / ideal <= 1.3 ? 'met' : 'NOT met'} (ideal schedule)`,
);
