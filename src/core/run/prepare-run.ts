import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { PROJECT_CONFIG } from '../config/layers.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import {
  commit,
  createBranch,
  git,
  showFile,
  stageAll,
  status,
  statusLine,
  switchBranch,
} from '../git/index.js';
import { markStep } from '../plan/index.js';
import { excludeStrayOutputs, isStrayOutput } from '../tasks/output-dir.js';
import { type BranchPlan, chooseBranch, defaultBranch } from './branch.js';
import { type ActiveStep, type Journal, planJournal, readJournal, writeJournal } from './journal.js';
import { landedSteps, tickedSteps } from './landed-steps.js';
import { checkIndexLock, removeDeadTemps } from './leftovers.js';
import { isMachineState, machineState } from './machine-state.js';
import type { PlanSource } from './plan-source.js';
import { runErrors } from './run-errors.js';
import { keepSetupOutOfBranch, setupFiles } from './setup-files.js';

export interface PrepareOptions {
  /** `--branch NAME`, or false for `--no-branch`. */
  branch?: string | false;
  yes?: boolean;
  dryRun?: boolean;
  /** Called with the done steps before anything is written; throw a UsageError to refuse. */
  validate?: (done: ReadonlyMap<number, string | undefined>, active?: ActiveStep) => void;
  /** True when no step would run: then nothing is written (no branch for nothing). */
  idle?: (done: ReadonlySet<number>, active?: ActiveStep) => boolean;
  /** The step the run would do next, for work found in the tree without a journal entry. */
  resumeStep?: (done: ReadonlySet<number>) => number | undefined;
  /** An earlier run died here (its lock was stale): leftovers in the tree are its work. */
  interrupted?: boolean;
}

export interface Prepared {
  branch: BranchPlan;
  /** Done steps → the commit that did them (undefined: ticked by hand, no commit). */
  done: Map<number, string | undefined>;
  /** The step whose unfinished work is in the tree (interrupted or failed earlier). */
  active?: ActiveStep;
  journal: Journal;
  /** What preparation did, for the user (committed dirty work, removed leftovers …). */
  notes: string[];
}

const rel = (root: string, p: string) => relative(root, p).split('\\').join('/');

/**
 * Bring repo, todo.md and journal into a consistent state before the step loop. Crash
 * recovery lives here; git is the truth, todo.md follows it, the journal only hints:
 * - temp files of interrupted atomic writes are removed; a stale index.lock is reported;
 * - a step with a trailer commit is done: its box is ticked if it is not;
 * - the journal's in-flight step without a trailer commit is NOT done: a tick written just
 *   before the crash is taken back (the commit will tick it), its work stays in the tree
 *   and the loop checks it first (tests) before asking the executor for more;
 * - specloop's own drafts at their old names (code-review.md …, untracked) go into
 *   info/exclude: never committed by `--yes` or a step, never a reason to refuse;
 * - any other local change is the user's: refused (exit 2) unless `--yes`, which commits
 *   it as "specloop: save work before run" on the run branch (a commit never loses work;
 *   a stash can be forgotten or fail to pop);
 * - new or edited plan files (prompt_plan.md, todo.md, spec.md) are committed by
 *   themselves ("specloop: add plan" / "specloop: update plan") so step commits stay clean.
 * In dry-run mode nothing is written.
 */
export async function prepareRun(ctx: Context, src: PlanSource, o: PrepareOptions): Promise<Prepared> {
  const repo = src.repoRoot;
  const env = ctx.env;
  const notes: string[] = [];
  await checkIndexLock(repo, { env });
  const journal = await readJournal(repo);
  const pj = planJournal(journal, src.planId);
  const todoRel = rel(repo, src.todoPath);
  const planRels = [rel(repo, src.planPath), todoRel, ...(src.specPath ? [rel(repo, src.specPath)] : [])];

  const ownFiles = machineState(ctx, repo);
  let entries = await status(repo, { exclude: ownFiles, env });
  if (!o.dryRun) {
    const removed = await removeDeadTemps(
      repo,
      src.todoPath,
      entries.filter((e) => e.code === '??').map((e) => e.path),
    );
    if (removed.length) {
      notes.push(`removed ${removed.length} temp file(s) left by an interrupted write`);
      entries = await status(repo, { exclude: ownFiles, env });
    }
  }
  // specloop.toml / init's .gitignore lines travel with the plan commit (init → plan → run);
  // a --from plan's branch is a pull request, so there they are kept out (info/exclude).
  const setup = await setupFiles(repo, entries, env);
  const keepOut = src.from
    ? setup.filter((p) => p === '.gitignore' || entries.some((e) => e.path === p && e.code === '??'))
    : [];
  planRels.push(...setup.filter((p) => !keepOut.includes(p)));
  // specloop's own drafts left in the tree (older versions, `task -o`) are never the user's
  // work: kept out of every commit of the run (info/exclude), and no reason to refuse.
  // (Not the plan itself: `run --from issue-prompts.md` commits it with the run.)
  const stray = entries
    .filter((e) => e.code === '??' && isStrayOutput(e.path) && !planRels.includes(e.path))
    .map((e) => e.path);
  const other = entries.filter(
    (e) => !planRels.includes(e.path) && !stray.includes(e.path) && !keepOut.includes(e.path),
  );
  const todoDirty = entries.some((e) => e.path === todoRel);

  const branch = await chooseBranch(repo, {
    env,
    requested: o.branch,
    journalBranch: pj.branch,
    prefix: ctx.config.run.branchPrefix,
    planId: src.planId,
  });
  let active = pj.active && pj.branch === branch.target ? pj.active : undefined;
  if (active && branch.current !== branch.target && other.length)
    throw new UsageError(
      `step ${active.step} was left unfinished on branch ${branch.target}, and this tree has changes`,
      {
        hint: `switch back (git switch ${branch.target}) and run again, or commit / discard the changes first`,
      },
    );

  const ref = branch.action === 'switch' ? `refs/heads/${branch.target}` : 'HEAD';
  let todo = src.todoText;
  if (branch.action === 'switch' && !todoDirty) todo = (await showFile(repo, ref, todoRel, { env })) ?? todo;
  const trailers = await landedSteps(ctx, { dir: repo, planId: src.planId, todoRel, ref, workingTodo: todo });
  if (active && trailers.has(active.step)) active = undefined; // committed; the journal was behind
  if (other.length && !active && branch.action === 'stay' && !o.yes) {
    // Recovery from git alone (the journal is lost or garbled): changes in the tree of the
    // plan's own run branch, left by a run that died (stale lock) or sitting on a branch with
    // this plan's commits, are the next step's unfinished work — handed to the executor as
    // such, never committed as "save work before run" (which made the step look empty forever).
    const ownBranch =
      branch.target.startsWith(defaultBranch(ctx.config.run.branchPrefix, src.planId)) ||
      (typeof o.branch === 'string' && trailers.size > 0);
    const known = new Set(src.plan.steps.map((s) => s.number));
    const doneNow = new Set([...tickedSteps(todo), ...trailers.keys()].filter((n) => known.has(n)));
    const next = o.interrupted || ownBranch ? o.resumeStep?.(doneNow) : undefined;
    if (next !== undefined) {
      active = { step: next, phase: 'executing', attempt: 1, startedAt: '' };
      notes.push(`found unfinished work in the tree without a journal entry: treated as step ${next}'s`);
    }
  }
  const known = new Set(src.plan.steps.map((s) => s.number));
  if (active && known.has(active.step)) todo = markStep(todo, active.step, false);
  for (const n of trailers.keys()) if (known.has(n)) todo = markStep(todo, n, true);
  const done = new Map<number, string | undefined>();
  for (const n of tickedSteps(todo)) if (known.has(n)) done.set(n, trailers.get(n)?.commit);
  o.validate?.(done, active);
  // Nothing left to run: the tree's state does not matter, and nothing will be written.
  const idle = o.idle?.(new Set(done.keys()), active) ?? false;
  if (other.length && !active && !o.yes && !idle)
    throw runErrors.dirty(
      other.map(statusLine),
      'commit or stash them first, or pass --yes to commit them as "specloop: save work before run" on the run branch',
    );
  if (o.dryRun) return { branch, done, active, journal, notes };
  if (idle) {
    const here = {
      target: branch.current ?? branch.target,
      action: 'stay' as const,
      current: branch.current,
    };
    return { branch: branch.action === 'switch' ? branch : here, done, active, journal, notes };
  }

  // ---- from here on, changes ----
  if (stray.length) {
    await excludeStrayOutputs(repo, stray, env);
    notes.push(
      `kept ${stray.join(', ')} out of the run branch (specloop output; listed in .git/info/exclude)`,
    );
  }
  const keptOut = await keepSetupOutOfBranch(repo, keepOut, entries, env);
  if (keptOut.length)
    notes.push(
      `kept what specloop init wrote (${keptOut.map((p) => (p === '.gitignore' ? 'its .gitignore lines' : p)).join(', ')}) out of the run branch: it is in .git/info/exclude now${keptOut.includes(PROJECT_CONFIG) ? `; to share the config later, on your main branch: git add -f ${PROJECT_CONFIG}` : ''}`,
    );
  if (branch.action === 'create') await createBranch(repo, branch.target, { env });
  if (branch.action === 'switch') await switchBranch(repo, branch.target, { env });
  if (branch.action !== 'stay')
    notes.push(`${branch.action === 'create' ? 'created' : 'switched to'} branch ${branch.target}`);
  ctx.faults?.at('branch');
  if (other.length && !active) {
    // The plan files get their own commit below ("specloop: add plan"), not this one.
    await stageAll(repo, { env, exclude: [...ownFiles, ...planRels] });
    await commit(
      repo,
      'specloop: save work before run\n\nUncommitted changes found when `specloop run` started.\n',
      { env },
    );
    notes.push(`committed ${other.length} uncommitted change(s) as "specloop: save work before run"`);
  } else if (active && other.length) {
    await git(repo, ['reset', '--quiet'], { env }); // unstage a half-done commit; files untouched
  }
  const onDisk = await readFile(src.todoPath, 'utf8').catch(() => undefined);
  if (onDisk !== todo) await atomicWrite(src.todoPath, todo);
  // A plan drafted under .specloop/ (`issues pull`'s issue-prompts.md) is machine state like
  // the rest of it: run from where it is, never committed into the branch.
  const planDirty = (await status(repo, { env, paths: planRels })).filter((e) => !isMachineState(e.path));
  if (planDirty.length) {
    const added = planDirty.some((e) => e.code === '??');
    const paths = planDirty.map((e) => e.path);
    await git(repo, ['add', '--', ...paths], { env });
    await commit(repo, `specloop: ${added ? 'add' : 'update'} plan\n`, { env, paths });
    notes.push(`committed ${paths.join(', ')} ("specloop: ${added ? 'add' : 'update'} plan")`);
  }
  ctx.faults?.at('plan-committed');
  pj.branch = branch.target;
  pj.active = active;
  await writeJournal(repo, journal, ctx.faults);
  return { branch, done, active, journal, notes };
}
