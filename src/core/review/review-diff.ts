import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { git } from '../git/index.js';
import type { StepChange } from '../run/seams.js';

/** Diff of the change including new files, through a throwaway index (the real one is not touched). */
export async function diffOf(ctx: Context, change: StepChange): Promise<{ stat: string; diff: string }> {
  const tmp = await mkdtemp(join(tmpdir(), 'specloop-review-'));
  const g = { env: ctx.env, indexFile: join(tmp, 'index') };
  try {
    await git(change.dir, ['read-tree', 'HEAD'], g);
    if (change.changed.length) await git(change.dir, ['add', '-A', '--', ...change.changed], g);
    const stat = await git(change.dir, ['diff', '--cached', '--stat', '--no-color', 'HEAD'], g);
    const diff = await git(change.dir, ['diff', '--cached', '--no-color', 'HEAD'], g);
    return { stat: stat.trimEnd(), diff };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
