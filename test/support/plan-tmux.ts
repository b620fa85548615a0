import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';

/** True when a tmux binary is available (the interactive tests skip without it). */
export const HAS_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/** The binary under test; SPECLOOP_TEST_BIN points at another build (debugging a broken tree). */
export const TMUX_BIN = process.env.SPECLOOP_TEST_BIN ?? BIN;

let counter = 0;

export interface TmuxRun {
  /** The visible pane text (escape sequences stripped by tmux). */
  screen(): string;
  /** The same without blocking the event loop (polling: in-process fake servers keep answering). */
  capture(): Promise<string>;
  /** `tmux send-keys`: literal text or key names such as `Enter`, `C-c`. */
  keys(...keys: string[]): void;
  /** Type a line of text and press Enter. */
  line(text: string): void;
  /** Paste text the way a terminal does (bracketed when the program asked for it). */
  paste(text: string): void;
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Pid of the specloop process (a child of the pane's shell). */
  pid(): number;
  close(): Promise<void>;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run `node bin/specloop.js ARGS` in a real terminal: a detached tmux session (120×40)
 * on a private socket. The pane stays open after exit and shows `EXIT=<code>`.
 */
export function tmuxSpecloop(opts: {
  cwd: string;
  env: Record<string, string>;
  args: string[];
  /** Terminal size (default 120×40). */
  width?: number;
  height?: number;
}): TmuxRun {
  // A private server whose socket lives in the test's own temp dir (removed with it).
  const socket = join(opts.cwd, `.tmux-${++counter}.sock`);
  const script = join(opts.cwd, `.tmux-run-${counter}.sh`);
  const env = Object.entries(opts.env).map(([k, v]) => `export ${k}=${q(v)}`);
  writeFileSync(
    script,
    [
      // Like an interactive shell, survive the Ctrl-C meant for the foreground program.
      "trap ':' INT",
      'cd ' + q(opts.cwd),
      ...env,
      'export NO_COLOR=1',
      `${q(process.execPath)} ${q(TMUX_BIN)} ${opts.args.map(q).join(' ')}`,
      'echo "EXIT=$?"',
      'sleep 600',
      '',
    ].join('\n'),
  );
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(opts.width ?? 120),
    '-y',
    String(opts.height ?? 40),
    `sh ${q(script)}`,
  );
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'main');
  const capture = () =>
    new Promise<string>((resolve, reject) =>
      execFile(
        'tmux',
        ['-S', socket, 'capture-pane', '-p', '-J', '-t', 'main'],
        { encoding: 'utf8' },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
  return {
    screen,
    capture,
    keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    paste: (text) => {
      tmux('set-buffer', '-b', 'paste', text);
      tmux('paste-buffer', '-p', '-d', '-b', 'paste', '-t', 'main');
    },
    line: (text) => {
      tmux('send-keys', '-t', 'main', '-l', text);
      tmux('send-keys', '-t', 'main', 'Enter');
    },
    // 30 s: returns as soon as the text shows; the bound only matters on a loaded box.
    async waitFor(what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await capture();
        if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(what)}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    pid() {
      const shell = tmux('list-panes', '-t', 'main', '-F', '#{pane_pid}').trim();
      return Number(
        execFileSync('pgrep', ['-P', shell, '-f', TMUX_BIN], { encoding: 'utf8' }).trim().split('\n')[0],
      );
    },
    async close() {
      // Wait for the program to be gone, so the test can delete its directory safely.
      const shell = spawnSync('tmux', ['-S', socket, 'list-panes', '-t', 'main', '-F', '#{pane_pid}'], {
        encoding: 'utf8',
      }).stdout?.trim();
      const kids = shell
        ? spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n')
        : [];
      spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const pids = kids.filter(Boolean).map(Number);
      for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
