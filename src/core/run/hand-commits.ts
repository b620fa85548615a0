import type { Context } from '../context.js';
import { excludeSpecs, tryGit } from '../git/index.js';
import { machineState } from './machine-state.js';
import { STEP_TRAILER } from './trailers.js';

/**
 * Files changed by commits specloop did not make since the unfinished step started (the
 * journal's `base`; without a journal, specloop's last step or plan commit): the step's
 * work, committed by hand after a crash.
 */
export async function workCommittedByHand(
  ctx: Context,
  repo: string,
  todoRel: string,
  stepBase: string | undefined,
): Promise<string[]> {
  const g = { env: ctx.env };
  const ours = stepBase
    ? { ok: true, stdout: stepBase }
    : await tryGit(
        repo,
        ['log', '-1', '--format=%H', '-E', `--grep=^(${STEP_TRAILER}: |specloop: )`, 'HEAD'],
        g,
      );
  const base = ours.stdout.trim();
  if (!ours.ok || !base) return [];
  const diff = await tryGit(
    repo,
    ['diff', '--name-only', base, 'HEAD', '--', ':/', ...excludeSpecs([todoRel, ...machineState(ctx, repo)])],
    g,
  );
  return diff.ok ? diff.stdout.split('\n').filter(Boolean) : [];
}
