import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { FaultHooks } from '../context.js';
import { commit, type GitOptions, stageAll } from '../git/index.js';
import { markStep } from '../plan/index.js';
import { MACHINE_STATE } from './machine-state.js';
import { type StepUsage, stepMessage } from './trailers.js';
import { guardWrite } from './write-guard.js';

export interface CommitStepOptions extends GitOptions {
  step: number;
  /** todo.md to tick in the same commit (absolute, or relative to repoDir); none for trailer-only plans. */
  todoPath?: string;
  planId: string;
  /** Full commit message; default `step N: <title>` plus the trailers. */
  message?: string;
  title?: string;
  /** The step's context prose; its `Commit message:` lines go into the commit body. */
  context?: string;
  /** Text for the commit body above the trailers (the agent's summary of what it did). */
  body?: string;
  /** What the step's attempts used: the Attempts / Tokens / Cost trailers (none when undefined). */
  usage?: StepUsage;
  /** Extra repo-relative paths kept out of the commit (besides .specloop/). */
  exclude?: string[];
  faults?: FaultHooks;
  /** See `commit`'s autoMaintenance: a run of many steps runs git's auto maintenance once, at its end. */
  autoMaintenance?: boolean;
}

/**
 * The solo landing: commit a finished step in place: tick its box in todo.md (atomically), stage everything but
 * specloop's machine state, and make ONE commit whose message carries `Specloop-Step: N`
 * and `Specloop-Plan: <id>`. The tick and the work land together, so a crash leaves either
 * both or neither in history — the recovery in prepare-run.ts relies on that.
 */
export async function commitStep(repoDir: string, o: CommitStepOptions): Promise<string> {
  if (o.todoPath) {
    const todo = isAbsolute(o.todoPath) ? o.todoPath : join(repoDir, o.todoPath);
    const text = await readFile(todo, 'utf8');
    const ticked = markStep(text, o.step, true);
    if (ticked !== text) {
      // Test hook: a kill in the middle of the atomic write leaves a stray temp file beside
      // todo.md and the old content in place; prepare-run removes such leftovers.
      o.faults?.at('todo-temp', () =>
        writeFileSync(join(dirname(todo), `.${basename(todo)}.${process.pid}.dead.tmp`), ticked.slice(0, 10)),
      );
      await guardWrite(todo, () => atomicWrite(todo, ticked), o.faults);
      o.faults?.at('todo-written');
    }
  }
  // No abort signal for git itself: killing git mid-commit would leave .git/index.lock behind.
  await stageAll(repoDir, { env: o.env, exclude: [...MACHINE_STATE, ...(o.exclude ?? [])] });
  o.faults?.at('staged');
  const message =
    o.message ??
    stepMessage({
      step: o.step,
      title: o.title ?? `step ${o.step}`,
      planId: o.planId,
      context: o.context,
      body: o.body,
      usage: o.usage,
    });
  // Empty only when the work was committed by hand after a crash: this commit still marks the step done.
  return commit(repoDir, message, { env: o.env, allowEmpty: true, autoMaintenance: o.autoMaintenance });
}
