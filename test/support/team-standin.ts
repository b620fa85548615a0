import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in `claude` for the multiplayer tests: a real process on PATH that reads the
 * prompt from stdin (as `claude -p` does), applies the action lines of team-fixtures.ts
 * (WRITE / APPEND / SLEEP) in its cwd and prints stream-json like Claude Code. Extra lines:
 *   HANGIF <ENV>   hang forever when the variable <ENV> is set (a member to kill -9)
 *   COST <usd>     report this cost (total_cost_usd) in the result event
 * With TEAM_STANDIN_MARK=<dir>, it writes <dir>/<pid> (its cwd) when it starts.
 * With TEAM_STANDIN_LOG=<file>, it appends one JSON line per start: {argv, cwd, prompt}.
 */
const CLAUDE = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const prompt = fs.readFileSync(0, 'utf8');
if (process.env.TEAM_STANDIN_MARK) fs.writeFileSync(path.join(process.env.TEAM_STANDIN_MARK, String(process.pid)), process.cwd());
if (process.env.TEAM_STANDIN_LOG) fs.appendFileSync(process.env.TEAM_STANDIN_LOG, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), prompt }) + '\n');
let cost = 0;
const out = (o) => console.log(JSON.stringify(o));
out({ type: 'system', subtype: 'init', session_id: 'standin' });
const lines = prompt.split('\n').map((l) => l.trim());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (const line of lines) {
    const m = /^(WRITE|APPEND|SLEEP|HANGIF|COST) (\S+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, op, arg, text = ''] = m;
    if (op === 'SLEEP') await sleep(Number(arg));
    else if (op === 'COST') cost += Number(arg);
    else if (op === 'HANGIF') { if (process.env[arg]) await sleep(3600e3); }
    else {
      fs.mkdirSync(path.dirname(arg), { recursive: true });
      if (op === 'WRITE') fs.writeFileSync(arg, text + '\n'); else fs.appendFileSync(arg, text + '\n');
      out({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Write', input: { file_path: arg } }] } });
    }
  }
  out({ type: 'result', subtype: 'success', is_error: false, result: 'done', session_id: 'standin', total_cost_usd: cost, usage: { input_tokens: 10, output_tokens: 5 } });
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
