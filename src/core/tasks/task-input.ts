import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatCount } from '../../util/format.js';
import type { Progress } from '../../util/progress.js';
import { readAll } from '../../util/read-all.js';
import type { PackConfig } from '../config/schema.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { TaskDefinition } from './resolve-tasks.js';

/** `--input FILE` (`-` = stdin): an existing pack, or any text. */
export async function readTaskInput(ctx: Context, input: string): Promise<string> {
  if (input === '-') return readAll(ctx.stdin);
  try {
    return await readFile(resolve(ctx.cwd, input), 'utf8');
  } catch {
    throw new UsageError(`cannot read --input ${input}`, {
      code: 'E_NO_FILE',
      hint: 'make one with `specloop pack` (writes output.txt), or leave out --input to pack now',
    });
  }
}

/** Flags win over the task, the task over `[pack]`; ignore patterns accumulate. */
export function taskPackOptions(
  ctx: Context,
  task: TaskDefinition,
  flags: Partial<PackConfig> = {},
): PackConfig {
  const ignore = [...ctx.config.pack.ignore, ...(task.pack.ignore ?? []), ...(flags.ignore ?? [])];
  return { ...ctx.config.pack, ...task.pack, ...flags, ignore: [...new Set(ignore)] };
}

/** Pack the working directory for a task (nothing written), reporting through `progress`. */
export async function packForTask(
  ctx: Context,
  task: TaskDefinition,
  flags: Partial<PackConfig> | undefined,
  progress: Progress,
): Promise<{ text: string; tokens: number }> {
  const { pack } = await import('../pack/index.js');
  // The packer reports its own stages; say whose they are.
  const label = (t: string) => `${task.name}: ${t}`;
  const labelled: Progress = {
    start: (t) => progress.start(label(t)),
    update: (t) => progress.update(label(t)),
    succeed: (t) => progress.succeed(label(t)),
    fail: (t) => progress.fail(label(t)),
    stop: () => progress.stop(),
  };
  try {
    const packed = await pack(ctx, {
      ...taskPackOptions(ctx, task, flags),
      write: false,
      progress: labelled,
    });
    const tokens = formatCount(packed.totals.tokens);
    progress.succeed(label(`packed ${packed.files.length} file(s), ${tokens} tokens`));
    return { text: packed.output, tokens: packed.totals.tokens };
  } catch (err) {
    progress.stop();
    throw err;
  }
}
