import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { runGit } from '../../util/git.js';
import type { Context } from '../context.js';
import type { AttemptObserver, PreLandCheck, RunHooks } from '../run/seams.js';
import { findViolations, restoreViolations, type Snapshot, takeSnapshot, violationNote } from './guard.js';
import { type IntegrityPolicy, protectedReason, stepPolicy } from './policy.js';

const rel = (p: string) => p.split('\\').join('/');

/** The run files of this run, repo-relative: the plan given by `--from` (and its todo) or the defaults. */
async function runPolicy(ctx: Context, from: string | undefined): Promise<IntegrityPolicy> {
  if (!from) return stepPolicy();
  const top = (await runGit(ctx.cwd, ['rev-parse', '--show-toplevel'], { env: ctx.env })).stdout.trim();
  const plan = rel(relative(top || ctx.cwd, resolve(ctx.cwd, from)));
  if (plan.startsWith('..') || isAbsolute(plan)) return stepPolicy();
  const todo = join(
    dirname(plan),
    `${plan
      .split('/')
      .pop()
      ?.replace(/\.(md|markdown|txt)$/i, '')}.todo.md`,
  );
  return stepPolicy({ plan, todo: rel(todo), spec: 'spec.md' });
}

/**
 * The integrity rule as run hooks, for every mode and executor: a snapshot of the protected
 * files when each attempt starts (an observer), and a `before-tests` pre-land check that finds
 * what the attempt changed against the rule, puts it back and reports it. The step then lands
 * (or fails) on its real work only; if only forbidden files changed, the attempt is rejected
 * with the reason as the next attempt's feedback.
 */
export function integrityHooks(ctx: Context, s: { from?: string }): Pick<RunHooks, 'preLand' | 'attempts'> {
  const snapshots = new Map<string, Snapshot>();
  let policy: Promise<IntegrityPolicy> | undefined;
  const policyOf = () => (policy ??= runPolicy(ctx, s.from));
  const observer: AttemptObserver = {
    async attemptStarted(e) {
      snapshots.set(
        e.dir,
        await takeSnapshot({
          repoDir: e.dir,
          policy: await policyOf(),
          env: ctx.env,
          now: ctx.clock.now(),
          tree: e.tree,
        }),
      );
    },
  };
  const check: PreLandCheck['check'] = async (_ctx, change) => {
    const p = await policyOf();
    const snapshot = snapshots.get(change.dir);
    // Work found in the tree before any attempt (attempt 0) may be the user's own hand fix,
    // edits of the config included: nothing to compare with, nothing to undo.
    if (!snapshot || change.attempt === 0) return { ok: true };
    const violations = await findViolations({
      repoDir: change.dir,
      policy: p,
      env: ctx.env,
      snapshot,
      tree: await change.tree?.(),
    });
    if (violations.length === 0) return { ok: true };
    const kept = await restoreViolations({
      repoDir: change.dir,
      policy: p,
      env: ctx.env,
      snapshot,
      violations,
    });
    const note = violationNote(violations);
    const forbidden = new Set(violations.map((v) => v.path));
    const rest = change.changed.filter((c) => !forbidden.has(c) && protectedReason(p, c) === undefined);
    const shown = [...forbidden].map((f) => (isAbsolute(f) ? rel(relative(change.dir, f)) : f));
    const summary = `undid changes to ${shown.join(', ')} (a step may not touch them)${kept ? `; the discarded versions are in ${rel(relative(ctx.cwd, kept))}` : ''}`;
    if (rest.length === 0) return { ok: false, reason: note, notes: [summary] };
    return { ok: true, notes: [summary] };
  };
  // Twice: on the attempt's change, and again after the test run — the tests are code the
  // agent wrote, and they may tick boxes or rewrite the config while they run.
  return {
    preLand: [
      { name: 'integrity', when: 'before-tests', check },
      { name: 'integrity', when: 'after-tests', check },
    ],
    attempts: [observer],
  };
}
