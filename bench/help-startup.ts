/**
 * `specloop --help` wall time through the built binary (moved out of the test suite: a
 * timing is measured, never asserted). Run `npm run build` first. Usage: tsx bench/help-startup.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/specloop.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'specloop-bench-help-'));
const time = (args: string[], env?: Record<string, string | undefined>) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, env });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const env = { PATH: process.env.PATH, HOME: process.env.HOME, SPECLOOP_HOME: join(dir, 'home') };
const runs = Array.from({ length: 7 }, () => time([BIN, '--help'], env)).sort((a, b) => a - b);
const node = Array.from({ length: 3 }, () => time(['-e', '0'])).sort((a, b) => a - b);
rmSync(dir, { recursive: true, force: true });
console.log(
  `specloop --help wall time over ${runs.length} runs: median ${runs[3]?.toFixed(0)} ms ` +
    `(min ${runs[0]?.toFixed(0)}, max ${runs.at(-1)?.toFixed(0)}); bare \`node -e 0\`: ${node[1]?.toFixed(0)} ms`,
);
