import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';

/**
 * A stand-in `claude` for the multiplayer tests: a real process on PATH that reads the
 * prompt from stdin (as `claude -p` does), applies the action lines of team-fixtures.ts
 * (WRITE / APPEND / SLEEP) in its cwd and prints stream-json like Claude Code. Extra lines:
 *   HANGIF <ENV>   hang forever when the variable <ENV> is set (a member to kill -9)
 * With TEAM_STANDIN_MARK=<dir>, it writes <dir>/<pid> (its cwd) when it starts.
 */
const CLAUDE = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const prompt = fs.readFileSync(0, 'utf8');
if (process.env.TEAM_STANDIN_MARK) fs.writeFileSync(path.join(process.env.TEAM_STANDIN_MARK, String(process.pid)), process.cwd());
const out = (o) => console.log(JSON.stringify(o));
out({ type: 'system', subtype: 'init', session_id: 'standin' });
const lines = prompt.split('\n').map((l) => l.trim());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (const line of lines) {
    const m = /^(WRITE|APPEND|SLEEP|HANGIF) (\S+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, op, arg, text = ''] = m;
    if (op === 'SLEEP') await sleep(Number(arg));
    else if (op === 'HANGIF') { if (process.env[arg]) await sleep(3600e3); }
    else {
      fs.mkdirSync(path.dirname(arg), { recursive: true });
      if (op === 'WRITE') fs.writeFileSync(arg, text + '\n'); else fs.appendFileSync(arg, text + '\n');
      out({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Write', input: { file_path: arg } }] } });
    }
  }
  out({ type: 'result', subtype: 'success', is_error: false, result: 'done', session_id: 'standin', total_cost_usd: 0, usage: { input_tokens: 10, output_tokens: 5 } });
})();
`;

/** Write the stand-in `claude` into `binDir`; prepend the dir to PATH in the member's env. */
export function installTeamClaude(binDir: string): string {
  mkdirSync(binDir, { recursive: true });
  const file = join(binDir, 'claude');
  writeFileSync(file, `#!/usr/bin/env node\n${CLAUDE}`);
  chmodSync(file, 0o755);
  return binDir;
}

const ENTRY = fileURLToPath(new URL('./run-source-entry.mjs', import.meta.url));
// An absolute loader URL: `--import tsx` would resolve the package from the member's cwd.
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Member {
  pid: number;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stderr(): string;
}

/**
 * Start specloop as a real process (the built binary; src through tsx with
 * SPECLOOP_TEST_FROM_SOURCE=1) and return at once, so tests can run several and kill one.
 */
export function startSpecloop(
  argv: string[],
  o: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Member {
  const args = process.env.SPECLOOP_TEST_FROM_SOURCE ? ['--import', TSX, ENTRY, ...argv] : [BIN, ...argv];
  const child = spawn(process.execPath, args, {
    cwd: o.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 90_000);
  const done = new Promise<Awaited<Member['done']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { pid: child.pid as number, done, stderr: () => stderr };
}
