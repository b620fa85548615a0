import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Context } from '../context.js';

/** Paths specloop keeps out of step commits and dirty-tree checks (its own machine state). */
export const MACHINE_STATE = ['.specloop'];

/** Is this repo-relative path specloop's machine state (a plan drafted in `.specloop/out/` included)? Never committed. */
export function isMachineState(path: string): boolean {
  return MACHINE_STATE.some((m) => path === m || path.startsWith(`${m}/`));
}

/**
 * {@link MACHINE_STATE} plus this invocation's `--llm-record` / `--llm-replay` files when they
 * lie inside `repo`: specloop writes (or reads) them itself, so they are neither the user's
 * uncommitted work nor a step's change, and must never make a step's diff look non-empty.
 */
export function machineState(ctx: Pick<Context, 'cwd' | 'llmOptions'>, repo: string): string[] {
  const out = [...MACHINE_STATE];
  for (const file of [ctx.llmOptions.record, ctx.llmOptions.replay]) {
    if (!file) continue;
    const rel = relative(repo, resolve(ctx.cwd, file));
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) out.push(rel.split(sep).join('/'));
  }
  return out;
}
