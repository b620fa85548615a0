import { existsSync } from 'node:fs';
import { appendFile, lstat, mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import {
  checkoutGitDirs,
  type GitOptions,
  git,
  isAncestor,
  refFromFiles,
  resolveCommit,
  status,
  tryGit,
} from '../git/index.js';
import { Mutex } from './mutex.js';

/**
 * `git worktree add/remove/prune` of one repository must not overlap: an add reads every
 * other worktree's admin entry (is its branch checked out there?) and fails on one that is
 * being created or removed at that moment (git 2.39, four adds at once: "failed to read
 * .git/worktrees/N/commondir"), and a prune can delete the entry of a worktree being created.
 * Only those git calls hold the lock; ref lookups, recovery reads and links stay outside.
 */
const locks = new Map<string, Mutex>();
const locked = <T>(repoRoot: string, fn: () => Promise<T>): Promise<T> => {
  let m = locks.get(repoRoot);
  if (!m) locks.set(repoRoot, (m = new Mutex()));
  return m.run(fn);
};

/** Where step worktrees live, relative to the repository root. */
export const WORKTREES_DIR = '.specloop/worktrees';

/**
 * A step's worktree: keyed by plan id AND step, so one plan's kept failed worktree is never
 * reused or force-removed by another plan's recovery (two plans in one repository).
 */
export function worktreeDir(repoRoot: string, planId: string, step: number | string): string {
  return join(repoRoot, WORKTREES_DIR, planId, String(step));
}

/**
 * The integration queue may rebase a step's branch onto a commit the landing ahead built
 * but has not published yet (integration-queue.ts). Meanwhile this file beside the
 * worktree holds the branch's own commit: a run killed then must not resume from a branch
 * carrying another step's unpublished work, so the next run puts the branch back first.
 */
const speculationFile = (repoRoot: string, planId: string, step: number) =>
  `${worktreeDir(repoRoot, planId, step)}.speculating`;

/** Before rebasing the step branch onto an unpublished commit: remember its own commit `head`. */
export async function beginSpeculation(
  repoRoot: string,
  o: { planId: string; step: number; head: string },
): Promise<void> {
  await atomicWrite(speculationFile(repoRoot, o.planId, o.step), `${o.head}\n`);
}

/** The speculation is over (undone, or its tip was published): nothing to put back. */
export async function endSpeculation(repoRoot: string, o: { planId: string; step: number }): Promise<void> {
  await rm(speculationFile(repoRoot, o.planId, o.step), { force: true });
}

/** A speculation a killed run left: the step branch (and its worktree, when registered) back on its own commit. */
async function undoSpeculation(
  repoRoot: string,
  o: { planId: string; step: number },
  registered: boolean,
  g: GitOptions,
): Promise<void> {
  const file = speculationFile(repoRoot, o.planId, o.step);
  const head = (await readFile(file, 'utf8').catch(() => ''))?.trim();
  if (!/^[0-9a-f]{40,64}$/.test(head)) return void (await rm(file, { force: true }));
  const dir = worktreeDir(repoRoot, o.planId, o.step);
  // In a registered worktree, files and branch together; otherwise the branch ref alone
  // (never git inside a directory that is not a worktree: it would find the main checkout).
  if (registered) await git(dir, ['reset', '-q', '--hard', head], g);
  else await git(repoRoot, ['update-ref', `refs/heads/${stepBranch(o.planId, o.step)}`, head], g);
  await rm(file, { force: true });
}

/**
 * The branch a step's worktree works on. Not under `specloop/` on purpose: the run's own
 * branch is `specloop/<plan>`, and git cannot hold both `a/b` and `a/b/c` as refs.
 */
export function stepBranch(planId: string, step: number): string {
  return `specloop-step/${planId}/${step}`;
}

/** Where uncommitted work rescued from a crashed worktree is saved, relative to the repository root. */
export const RECOVERED_DIR = '.specloop/recovered';

/** Keep worktrees and rescued patches out of the main worktree's `git status` (repo-local exclude, nothing committed). */
export function excludeWorktrees(repoRoot: string, g: GitOptions): Promise<void> {
  return addExcludes(repoRoot, [`/${WORKTREES_DIR}/`, `/${RECOVERED_DIR}/`], g);
}

/** Appends to one repository's `info/exclude` must not interleave (each reads, then appends what is missing). */
const excludeLocks = new Map<string, Mutex>();

/** Append lines to the repository's `info/exclude` (shared by its worktrees) unless present. */
function addExcludes(repoRoot: string, lines: string[], g: GitOptions): Promise<void> {
  let m = excludeLocks.get(repoRoot);
  if (!m) excludeLocks.set(repoRoot, (m = new Mutex()));
  return m.run(() => appendExcludes(repoRoot, lines, g));
}

async function appendExcludes(repoRoot: string, lines: string[], g: GitOptions): Promise<void> {
  let common = (await git(repoRoot, ['rev-parse', '--git-common-dir'], g)).trim();
  if (!isAbsolute(common)) common = join(repoRoot, common);
  const file = join(common, 'info', 'exclude');
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  const have = new Set(text.split('\n'));
  const missing = lines.filter((l) => !have.has(l));
  if (missing.length === 0) return;
  await mkdir(join(common, 'info'), { recursive: true });
  await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`);
}

/** A step's worktree, ready to work in. */
export interface StepWorktree {
  step: number;
  dir: string;
  branch: string;
  /** The commit the step works on top of. */
  base: string;
  /** True when the branch already holds committed, tested work for the step (a crash before landing). */
  resumed: boolean;
  /** What recovery did, for the log. */
  notes: string[];
}

async function registeredWorktrees(repoRoot: string, g: GitOptions): Promise<Set<string>> {
  const out = await git(repoRoot, ['worktree', 'list', '--porcelain'], g);
  return new Set(
    out
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length)),
  );
}

/**
 * Save uncommitted changes of a worktree left by a crash as a patch under
 * `.specloop/recovered/`, then clean it. Committed work is never touched here.
 */
async function rescueDirty(
  repoRoot: string,
  dir: string,
  o: { planId: string; step: number; now: number },
  notes: string[],
  g: GitOptions,
): Promise<void> {
  const dirty = await status(dir, g);
  if (dirty.length === 0) return;
  const step = o.step;
  await git(dir, ['add', '-A'], g);
  const patch = await git(dir, ['diff', '--cached', '--binary'], g);
  const file = join(repoRoot, RECOVERED_DIR, `${o.planId}-step-${step}-${o.now}.patch`);
  await atomicWrite(file, `${patch}\n`);
  await git(dir, ['reset', '-q', '--hard'], g);
  await git(dir, ['clean', '-q', '-fd'], g);
  notes.push(`step ${step}: uncommitted changes left by an interrupted run saved to ${file}`);
}

/**
 * Get a clean worktree for `step` on its own branch, cut from `base`. Whatever an
 * interrupted run left is recovered: uncommitted changes are saved as a patch and
 * cleaned; commits on the step branch that are not on `base` are kept and the worktree
 * resumes from them (`resumed: true`) — they passed the tests before they were committed.
 */
export async function prepareWorktree(
  repoRoot: string,
  o: GitOptions & {
    planId: string;
    step: number;
    base: string;
    /** Candidate ignored directories to link (checked here), or `links` already resolved once per run. */
    link?: readonly string[];
    links?: Promise<readonly string[]>;
    now: number;
  },
): Promise<StepWorktree> {
  const wanted = await (o.links ?? resolveLinks(repoRoot, o.link ?? [], o));
  // A fresh worktree (the usual case) needs only its branch looked up and one `worktree add`
  // under the lock; a directory left by an earlier run is recovered holding the lock throughout.
  const wt = existsSync(worktreeDir(repoRoot, o.planId, o.step))
    ? await locked(repoRoot, () => recoverLeftover(repoRoot, o))
    : await addFresh(repoRoot, o);
  await linkDirs(repoRoot, wt.dir, wanted);
  return wt;
}

/** Which of `names` are directories at the repository root that git ignores (dependencies to share). */
export async function ignoredDirs(
  repoRoot: string,
  names: readonly string[],
  g: GitOptions,
): Promise<string[]> {
  const wanted: string[] = [];
  for (const name of names) {
    if (!(await stat(join(repoRoot, name)).catch(() => undefined))?.isDirectory()) continue;
    if ((await tryGit(repoRoot, ['check-ignore', '-q', '--', name], { env: g.env })).ok) wanted.push(name);
  }
  return wanted;
}

/**
 * Which of `names` each worktree of this run links (see {@link ignoredDirs}), with their
 * anchored `info/exclude` lines written. Once per run is enough: the lines are written
 * before any link exists, so a link can never be picked up by a step's `git add -A`.
 */
export async function resolveLinks(
  repoRoot: string,
  names: readonly string[],
  g: GitOptions,
): Promise<string[]> {
  const wanted = await ignoredDirs(repoRoot, names, g);
  if (wanted.length > 0)
    await addExcludes(
      repoRoot,
      wanted.map((n) => `/${n}`),
      { env: g.env },
    );
  return wanted;
}

/**
 * Give a worktree the main checkout's ignored dependency directories (node_modules, a
 * virtualenv) as symlinks, so the test command runs there without a fresh install. Only
 * directories that exist and that git ignores are linked; the link itself is kept out of
 * `git status` by an anchored `info/exclude` line (a `node_modules/` pattern matches
 * directories only, not a link).
 */
async function linkDirs(repoRoot: string, dir: string, wanted: readonly string[]): Promise<void> {
  for (const name of wanted) {
    const at = join(dir, name);
    if (!(await lstat(at).catch(() => undefined))) await symlink(join(repoRoot, name), at, 'junction');
  }
}

/**
 * Run `fn` in a checkout of `rev`: this one when it is exactly there (HEAD = rev, nothing
 * changed), else a throwaway detached worktree (ignored dependency directories linked, as
 * for a step), removed afterwards whatever `fn` did.
 */
export async function withCheckoutAt<T>(
  repoRoot: string,
  o: GitOptions & { planId: string; rev: string; link?: readonly string[] },
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const g: GitOptions = { env: o.env };
  const here = (await resolveCommit(repoRoot, 'HEAD', g)) === o.rev;
  if (here && (await status(repoRoot, { ...g, exclude: ['.specloop'] })).length === 0) return fn(repoRoot);
  const dir = worktreeDir(repoRoot, o.planId, 'preflight');
  const drop = async () => {
    if (existsSync(dir) && !(await tryGit(repoRoot, ['worktree', 'remove', '--force', dir], g)).ok)
      await rm(dir, { recursive: true, force: true });
    await tryGit(repoRoot, ['worktree', 'prune'], g);
  };
  await locked(repoRoot, async () => {
    await drop(); // left by a killed run
    await mkdir(join(repoRoot, WORKTREES_DIR, o.planId), { recursive: true });
    await git(repoRoot, ['worktree', 'add', '-q', '--detach', dir, o.rev], g);
  });
  try {
    await linkDirs(repoRoot, dir, await resolveLinks(repoRoot, o.link ?? [], g));
    return await fn(dir);
  } finally {
    await locked(repoRoot, drop);
  }
}

type PrepareOptions = GitOptions & { planId: string; step: number; base: string; now: number };

/** Where the step starts: its branch when that holds commits not on `base` (work to resume), else `base`. */
async function startPoint(repoRoot: string, o: PrepareOptions) {
  const g: GitOptions = { env: o.env };
  const branch = stepBranch(o.planId, o.step);
  // Most steps have no branch yet: the ref files say so without a process.
  const fromFiles = await checkoutGitDirs(repoRoot, g).then(
    (d) => refFromFiles(d, `refs/heads/${branch}`),
    () => undefined,
  );
  const branchTip =
    fromFiles === undefined
      ? await resolveCommit(repoRoot, `refs/heads/${branch}`, g)
      : (fromFiles ?? undefined);
  const hasWork = branchTip !== undefined && !(await isAncestor(repoRoot, branchTip, o.base, g));
  return { branch, hasWork, from: hasWork ? (branchTip as string) : o.base };
}

function stepWorktree(
  repoRoot: string,
  o: PrepareOptions,
  branch: string,
  hasWork: boolean,
  notes: string[],
) {
  if (hasWork) notes.push(`step ${o.step}: resuming from committed work on ${branch}`);
  const dir = worktreeDir(repoRoot, o.planId, o.step);
  return { step: o.step, dir, branch, base: o.base, resumed: hasWork, notes };
}

async function addFresh(repoRoot: string, o: PrepareOptions): Promise<StepWorktree> {
  const g: GitOptions = { env: o.env };
  if (existsSync(speculationFile(repoRoot, o.planId, o.step))) await undoSpeculation(repoRoot, o, false, g);
  const { branch, hasWork, from } = await startPoint(repoRoot, o);
  const dir = worktreeDir(repoRoot, o.planId, o.step);
  await mkdir(join(repoRoot, WORKTREES_DIR, o.planId), { recursive: true });
  const add = ['worktree', 'add', '-q', '-B', branch, dir, from];
  await locked(repoRoot, async () => {
    // Refused when a deleted directory is still registered, or its branch is "checked out"
    // in such a stale entry: prune (it drops only entries whose directory is gone), then once more.
    if (!(await tryGit(repoRoot, add, g)).ok) {
      await git(repoRoot, ['worktree', 'prune'], g);
      await git(repoRoot, add, g);
    }
  });
  return stepWorktree(repoRoot, o, branch, hasWork, []);
}

async function recoverLeftover(repoRoot: string, o: PrepareOptions): Promise<StepWorktree> {
  const g: GitOptions = { env: o.env };
  const dir = worktreeDir(repoRoot, o.planId, o.step);
  const notes: string[] = [];
  await git(repoRoot, ['worktree', 'prune'], g);
  const registered = (await registeredWorktrees(repoRoot, g)).has(dir);
  await undoSpeculation(repoRoot, o, registered, g);
  if (!registered) {
    // A directory that is not a registered worktree holds no commits: safe to remove.
    await rm(dir, { recursive: true, force: true });
    notes.push(`step ${o.step}: removed a half-created worktree`);
    const { branch, hasWork, from } = await startPoint(repoRoot, o);
    await git(repoRoot, ['worktree', 'add', '-q', '-B', branch, dir, from], g);
    return stepWorktree(repoRoot, o, branch, hasWork, notes);
  }
  const { branch, hasWork, from } = await startPoint(repoRoot, o);
  await rescueDirty(repoRoot, dir, o, notes, g);
  const head = await resolveCommit(dir, 'HEAD', g);
  if (head && (await tryGit(dir, ['symbolic-ref', '-q', 'HEAD'], g)).stdout.trim() !== `refs/heads/${branch}`)
    await git(dir, ['checkout', '-q', '-B', branch, from], g);
  else if (!hasWork) await git(dir, ['reset', '-q', '--hard', o.base], g);
  return stepWorktree(repoRoot, o, branch, hasWork, notes);
}

/**
 * Remove a step's worktree. Its branch is deleted only when every commit on it is
 * contained in `landedOn`, when it holds exactly the work of `landedAs`, or when it still
 * points at `landedFrom` (the commit whose tree a landing was just built from); otherwise
 * it is kept and the note says so.
 */
type RemoveOptions = GitOptions & {
  planId: string;
  step: number;
  landedOn?: string;
  landedAs?: string;
  landedFrom?: string;
  ignore?: string[];
};

export async function removeWorktree(repoRoot: string, o: RemoveOptions): Promise<string | undefined> {
  const g: GitOptions = { env: o.env };
  const dir = worktreeDir(repoRoot, o.planId, o.step);
  const branch = stepBranch(o.planId, o.step);
  await endSpeculation(repoRoot, o);
  await locked(repoRoot, async () => {
    // `worktree remove` drops its own entry; only when it could not (or the directory is
    // already gone) is the entry left to a prune.
    if (existsSync(dir) && (await tryGit(repoRoot, ['worktree', 'remove', '--force', dir], g)).ok) return;
    await rm(dir, { recursive: true, force: true });
    await tryGit(repoRoot, ['worktree', 'prune'], g);
  });
  // A compare-and-delete: gone only if nothing moved the branch since its work landed.
  if (
    o.landedFrom &&
    (await tryGit(repoRoot, ['update-ref', '-d', `refs/heads/${branch}`, o.landedFrom], g)).ok
  )
    return undefined;
  const tip = await resolveCommit(repoRoot, `refs/heads/${branch}`, g);
  if (!tip) return undefined;
  if (
    (o.landedOn && (await isAncestor(repoRoot, tip, o.landedOn, g))) ||
    (o.landedAs && (await sameWork(repoRoot, tip, o.landedAs, o.ignore ?? [], g)))
  ) {
    await git(repoRoot, ['branch', '-q', '-D', branch], g);
    return undefined;
  }
  return `kept branch ${branch}: it has commits that did not land`;
}

/**
 * True when `landed` (a squashed step commit) holds exactly the branch's work: the same
 * tree apart from `ignore` (todo.md, which only the landed commit ticks). A crash between
 * landing and cleaning up leaves such a branch behind; its work is not lost by deleting it.
 */
async function sameWork(
  repoRoot: string,
  tip: string,
  landed: string,
  ignore: string[],
  g: GitOptions,
): Promise<boolean> {
  const args = ['diff', '--quiet', tip, landed, '--', '.', ...ignore.map((p) => `:(exclude,top)${p}`)];
  return (await tryGit(repoRoot, args, g)).ok;
}

/** Steps of `planId` that have a worktree directory (left by an earlier or interrupted run). */
export async function existingWorktreeSteps(repoRoot: string, planId: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const root = join(repoRoot, WORKTREES_DIR, planId);
  if (!existsSync(root)) return [];
  return (await readdir(root))
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
