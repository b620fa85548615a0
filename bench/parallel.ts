/**
 * `npm run bench:parallel`: wall time of `specloop run --parallel 1` vs `--parallel 4` on a
 * 6-step plan where 4 steps are independent (1 → {2,3,4,5} → 6), with a stand-in executor
 * that takes a fixed time per step. The best a scheduler can do is the critical path
 * (3 steps); the target is within 1.3× of it. Not a test: it prints figures.
 *
 * BENCH_STEP_MS (default 2000) sets the executor's time per step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { CRITICAL_STEPS, seedParallelBench } from './parallel-plan.js';

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

const critical = CRITICAL_STEPS * STEP_MS;
const serial = await timeRun(1);
const par4 = await timeRun(4);
const row = (label: string, ms: number) =>
  `${label.padEnd(28)} ${(ms / 1000).toFixed(2).padStart(7)} s   ${(ms / critical).toFixed(2)}× critical path`;
console.log(`6 steps (1 → {2,3,4,5} → 6), ${STEP_MS} ms of executor time per step\n`);
console.log(row('critical path (3 steps)', critical));
console.log(row('run --parallel 1', serial));
console.log(row('run --parallel 4', par4));
console.log(
  `\nspeed-up ${(serial / par4).toFixed(2)}×; target ≤ 1.30× critical path: ${par4 / critical <= 1.3 ? 'met' : 'NOT met'}`,
);
