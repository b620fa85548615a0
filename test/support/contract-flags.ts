import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.js';
import type { Scene } from './contract-fixtures.js';

/**
 * Helpers for the per-flag rows of the run contract test (`--executor`, `-m`, `--no-tdd`,
 * `--max-cost`): what the stand-in `claude` was started with, and a fake model that makes
 * the builtin agent do what a fixture prompt's action lines say.
 */

/** One start of the stand-in `claude` (TEAM_STANDIN_LOG): its arguments, cwd and prompt. */
export interface StandinStart {
  argv: string[];
  cwd: string;
  prompt: string;
}

export function standinStarts(file: string): StandinStart[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StandinStart);
}

/** `specloop run <mode flags> …args` with extra environment (the log file, a fake model). */
export function runWith(s: Scene, args: string[], env: Record<string, string>): ReturnType<typeof runCli> {
  return runCli(['run', ...s.flags, ...args], { cwd: s.dir, env: { ...s.env, ...env } });
}

/** The standin log of a scene (under its temp root, outside the repository). */
export const standinLog = (s: Scene): string => join(s.dir, '..', 'standin.log');

/**
 * The builtin agent's model, as a fake-LLM-server handler: turn 1 writes the files of the
 * prompt's `WRITE <path> <text>` lines, turn 2 calls finish.
 */
export function actionModel() {
  return (req: { messages: { role: string; content: string }[] }) => {
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    if (turns > 0) return { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] };
    const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
    const task = /<task>([\s\S]*?)<\/task>/.exec(user)?.[1] ?? '';
    const writes = [...task.matchAll(/^\s*WRITE (\S+) (.*)$/gm)];
    return {
      toolCalls: writes.map(([, path, text]) => ({
        name: 'write_file',
        input: { path, content: `${text}\n` },
      })),
    };
  };
}
