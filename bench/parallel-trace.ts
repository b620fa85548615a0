/**
 * `npx tsx bench/parallel-trace.ts [N]`: one `run --parallel N` (default 4) of the
 * `bench:parallel` plan, instrumented: every progress line with its time since the start,
 * and every git process (through a logging `git` first on PATH) counted per checkout and
 * per subcommand. Shows where a run's time goes; the logger's own cost makes its times
 * slower than `bench:parallel`'s, so take speed figures from there. `--calls` lists every git
 * process in the timeline too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { installGitLogger, seedParallelBench } from './parallel-plan.js';

const parallel = Number(process.argv[2] ?? 4);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 2000);
const realGit = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find((g) => existsSync(g));
if (!realGit) throw new Error('no git in /usr/bin, /bin or /usr/local/bin');

const root = mkdtempSync(join(tmpdir(), 'specloop-bench-trace-'));
try {
  const { repo, bin } = seedParallelBench(root, STEP_MS);
  const log = join(root, 'git.log');
  const wrap = installGitLogger(join(root, 'git-logger'), log, realGit);
  const lines: string[] = [];
  const t0 = Date.now();
  const at = (ms: number) => ((ms - t0) / 1000).toFixed(3).padStart(7);
  const io = {
    env: { ...process.env, SPECLOOP_HOME: join(root, 'home'), PATH: `${wrap}:${bin}:${process.env.PATH}` },
    cwd: repo,
    stdin: process.stdin,
    stdout: { write: () => {}, isTTY: false },
    stderr: {
      write: (s: string) =>
        void lines.push(
          ...s
            .split('\n')
            .filter(Boolean)
            .map((l) => `${at(Date.now())}  ${l}`),
        ),
      isTTY: false,
    },
    signal: new AbortController().signal,
  };
  const code = await main(['run', '--parallel', String(parallel)], io);
  const total = Date.now() - t0;
  const calls = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [ms = '0', cwd = '', argv = ''] = l.split('\t');
      const wt = /\.specloop\/worktrees\/[^/]+\/([^/]+)/.exec(cwd)?.[1];
      return {
        ms: Number(ms),
        where: wt ? `worktree ${wt}` : 'main checkout',
        argv,
        cmd: argv.split(' ')[0] ?? '',
      };
    });
  // `--calls`: every git process in the timeline, beside the progress lines.
  if (process.argv.includes('--calls'))
    lines.push(...calls.map((c) => `${at(c.ms)}    git ${c.argv.slice(0, 90)}  [${c.where}]`));
  console.log(lines.sort().join('\n'));
  const count = (key: (c: (typeof calls)[number]) => string) => {
    const m = new Map<string, number>();
    for (const c of calls) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${String(n).padStart(5)}  ${k}`);
  };
  console.log(`\nexit ${code}, ${(total / 1000).toFixed(2)} s; ${calls.length} git processes`);
  console.log(`\nper checkout:\n${count((c) => c.where).join('\n')}`);
  console.log(`\nper subcommand:\n${count((c) => c.cmd).join('\n')}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
