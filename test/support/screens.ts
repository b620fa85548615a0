import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * Golden terminal screens (test/cli/__screens__/<name>.txt): the whole tmux pane at the end
 * of a command, byte for byte after the parts that change from run to run are replaced.
 * `SPECLOOP_UPDATE_SCREENS=1` rewrites them (review the diff); a missing one is written
 * and the test fails once, so a new screen is always looked at.
 */
export const SCREENS = fileURLToPath(new URL('../cli/__screens__/', import.meta.url));
const UPDATE = Boolean(process.env.SPECLOOP_UPDATE_SCREENS);

/** The screen with what changes from run to run replaced: ids, the temp dir, durations, commits. */
export function normaliseScreen(screen: string, dir: string): string {
  return screen
    .split(dir)
    .join('<DIR>')
    .replace(/session [0-9a-z-]{6,}/g, 'session <ID>')
    .replace(/brainstorm\/[^\s]+\.jsonl/g, 'brainstorm/<ID>.jsonl')
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<T>')
    .replace(/\$\d+\.\d+/g, '<COST>')
    .replace(/\b(committed|landed) [0-9a-f]{7}\b/g, '$1 <SHA>')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n+$/, '\n');
}

/** Compare a normalised screen with its golden file (or write it, see above). */
export function expectGolden(name: string, screen: string): void {
  const golden = join(SCREENS, `${name}.txt`);
  if (UPDATE || !existsSync(golden)) {
    mkdirSync(SCREENS, { recursive: true });
    writeFileSync(golden, screen);
    if (!UPDATE) throw new Error(`wrote the missing golden ${golden}; review it and run again`);
  }
  expect(screen, name).toBe(readFileSync(golden, 'utf8'));
}

/** Lines that are a command's status (the live line or a step's last line). */
const STATUS = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✔✖] /;

/**
 * The calm-screen contract on a final screen captured with `tmux capture-pane -J` (a wrapped
 * line shows as one line longer than the width): no status line wrapped, none repeated.
 */
export function expectNoWrappedOrRepeatedStatus(screen: string, width: number): void {
  const status = screen.split('\n').filter((l) => STATUS.test(l));
  for (const l of status) expect([...l].length, `wrapped at ${width} columns: ${l}`).toBeLessThan(width);
  expect(new Set(status).size, `a status line is repeated:\n${screen}`).toBe(status.length);
}
