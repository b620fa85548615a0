import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { answerReview, describeAnswer, parseDecision } from '../review/index.js';
import { pauseRun, resumeRun } from '../run-control.js';
import { undoOnRemote, undoStep } from '../undo/index.js';
import { claim, release } from './core-adapter.js';
import type { BoardModel } from './model.js';

/**
 * The board's buttons. Each one is the code path of its CLI command, not a copy:
 *   claim N        → `specloop claim N`         (team claimStep)
 *   release N      → `specloop team release N`  (team releaseStep)
 *   retry N        → `specloop run --step N`    (the CLI itself, as a child process; `--team` on a team board)
 *   undo N         → `specloop undo N`          (undoStep: a revert commit that unticks the box);
 *                    on a team board `specloop undo N --team` (the revert pushed to the integration branch)
 *   pause / resume → the run-control file `specloop run` checks between steps
 *   review N       → the review gate of `run --review`: answerReview, as the terminal prompt
 */
export const ACTIONS = ['claim', 'release', 'retry', 'undo', 'pause', 'resume', 'review'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface ActionDeps {
  /** How to start the specloop CLI (`node bin/specloop.js`); retry is off without it. */
  cli?: { command: string; args: string[] };
  from?: string;
}

export interface ActionResult {
  message: string;
  result?: unknown;
}

function stepOf(body: Record<string, unknown>): number {
  const n = Number(body.step);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError('the action needs a step number', { hint: '{"step": 3}' });
  return n;
}

export async function runAction(
  ctx: Context,
  model: BoardModel,
  name: string,
  body: Record<string, unknown>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const state = model.state ?? (await model.refresh());
  const repoRoot = state.project.repoRoot;
  const who = typeof body.name === 'string' && body.name ? body.name : undefined;
  switch (name) {
    case 'claim': {
      const r = await claim(ctx, { from: deps.from, step: stepOf(body), name: who });
      await model.fetchTeam();
      return {
        message: `step ${r.step} ${r.renewed ? 'is still' : 'is now'} yours (${r.holder}@${r.host})`,
        result: r,
      };
    }
    case 'release': {
      const r = await release(ctx, {
        from: deps.from,
        step: stepOf(body),
        name: who,
        force: body.force === true,
      });
      await model.fetchTeam();
      return { message: `released step ${r.step} (was claimed by ${r.holder})`, result: r };
    }
    case 'undo': {
      const step = stepOf(body);
      // A team's steps land on the remote's integration branch: undo there, as `--team` does.
      const r = state.team
        ? await undoOnRemote(ctx, { step, from: deps.from, remote: ctx.config.team.remote })
        : await undoStep(ctx, { step, from: deps.from });
      if ('pushed' in r) await model.fetchTeam();
      return {
        message: `undid step ${r.step} (${r.title})${r.revert ? `: revert ${r.revert.slice(0, 7)}` : ''}${
          'pushed' in r ? `, pushed to ${r.pushed}` : ''
        }`,
        result: r,
      };
    }
    case 'review': {
      const r = await answerReview({
        root: repoRoot,
        planId: state.project.planId,
        step: stepOf(body),
        id: typeof body.id === 'string' ? body.id : undefined,
        decision: parseDecision(body.action, body.comment),
        by: who ?? 'board',
        now: ctx.clock.now(),
      });
      return { message: `step ${r.pending.step} ${describeAnswer(r)}`, result: r.decision };
    }
    case 'pause':
      return {
        message: 'the run pauses before its next step',
        result: await pauseRun(repoRoot, { by: who ?? 'board' }),
      };
    case 'resume':
      return { message: 'the run goes on', result: await resumeRun(repoRoot) };
    case 'retry': {
      const step = stepOf(body);
      const card = state.cards.find((c) => c.step === step);
      if (!card) throw new UsageError(`the plan has no step ${step}`);
      if (card.column !== 'failed' && card.column !== 'ready')
        throw new UsageError(`step ${step} is ${card.column}, not failed`, {
          hint: 'only a failed (or ready) step is retried',
        });
      if (!deps.cli)
        throw new UsageError('retry is not available in this board', {
          hint: `run \`specloop run --step ${step}\``,
        });
      // On a team board the step is claimed and lands on the remote, as everyone's steps do.
      const team = state.team ? ['--team'] : [];
      const args = [
        ...deps.cli.args,
        'run',
        ...team,
        '--step',
        String(step),
        ...(deps.from ? ['--from', deps.from] : []),
      ];
      const shown = ['specloop run', ...team, '--step', String(step)].join(' ');
      const logDir = join(repoRoot, '.specloop', 'board');
      mkdirSync(logDir, { recursive: true });
      // The folder ignores itself: the log never shows in `git status` or a step commit.
      if (!existsSync(join(logDir, '.gitignore'))) await atomicWrite(join(logDir, '.gitignore'), '*\n');
      const log = join(logDir, `retry-step-${step}.log`);
      const fd = openSync(log, 'w');
      // Detached: the run outlives the page and the board, exactly as if started in a terminal.
      const child = spawn(deps.cli.command, args, {
        cwd: ctx.cwd,
        env: ctx.env as NodeJS.ProcessEnv,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      child.unref();
      return {
        message: `started \`${shown}\` (output: .specloop/board/retry-step-${step}.log)`,
        result: { pid: child.pid, log },
      };
    }
    default:
      throw new UsageError(`unknown action "${name}"`, { hint: `one of ${ACTIONS.join(', ')}` });
  }
}
