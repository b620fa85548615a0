/**
 * What an editor agent waits for from `specloop mcp` (the built binary, over stdio, through
 * the SDK's own client): start-up until the server answers `initialize`, listing the tools,
 * and the read-only plan calls (plan_status, next_step) on a real temp repo with a plan.
 * Printed as medians over N rounds; never asserted.
 *
 *   npx tsup --silent && npx tsx bench/mcp-latency.ts [-- --rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const BIN = fileURLToPath(new URL('../bin/specloop.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'specloop-bench-mcp-'));
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
const steps = Array.from({ length: 20 }, (_, i) => i + 1);
write('specloop.toml', '[test]\ncommand = "true"\n');
write(
  'prompt_plan.md',
  `# Bench plan\n\nOverview.\n\n${steps.map((n) => `## Step ${n}: Function ${n}\n\n\`\`\`text\nWrite function ${n}.\n\`\`\`\n`).join('\n')}`,
);
write('todo.md', `# Todo\n\n${steps.map((n) => `- [ ] Step ${n}: Function ${n}`).join('\n')}\n`);
write('.gitignore', '.home/\n');
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
git('init', '-q', '-b', 'main');
git('-c', 'user.name=b', '-c', 'user.email=b@b', 'add', '-A');
git('-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'plan');

const times: Record<string, number[]> = { initialize: [], listTools: [], plan_status: [], next_step: [] };
const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await fn();
  times[name]?.push(performance.now() - t0);
  return r;
};
try {
  for (let i = 0; i < rounds; i++) {
    const home = join(dir, '.home');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: dir,
      env: { HOME: home, SPECLOOP_HOME: home },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'bench', version: '1' });
    await timed('initialize', () => client.connect(transport));
    await timed('listTools', () => client.listTools());
    await timed('plan_status', () => client.callTool({ name: 'plan_status', arguments: {} }));
    await timed('next_step', () => client.callTool({ name: 'next_step', arguments: {} }));
    await client.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [name, xs] of Object.entries(times))
  console.log(
    `${name.padEnd(12)} median ${median(xs).toFixed(0).padStart(5)} ms  (${xs.map((x) => x.toFixed(0)).join(', ')})`,
  );
console.log(
  `${rounds} rounds, 20-step plan; load average ${execFileSync('cat', ['/proc/loadavg']).toString().trim()}`,
);
