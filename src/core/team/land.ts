import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { markStep } from '../plan/index.js';
import { stepMessage } from '../run/git.js';
import { doneSteps } from './done-steps.js';
import { git, tryGit } from './git.js';

/**
 * Preparing a step for the integration branch. The step branch keeps the step's own
 * changes (never the todo.md tick), so re-basing it after a lost race cannot conflict on
 * todo.md; the commit that lands is built with plumbing on top of the current tip:
 * the branch's tree plus the tick, with the `Specloop-Step` / `Specloop-Plan` trailers.
 */
export interface PrepareLanding {
  /** Main repository root (shared object store). */
  repoRoot: string;
  /** The step's worktree. */
  dir: string;
  /** The step; `context` carries its `Commit message:` lines (e.g. `Fixes #12`) into the commit, as in a single-player run. */
  step: { number: number; title: string; context?: string };
  planId: string;
  /** The integration tip to land on. */
  tip: string;
  /** todo.md relative to the repository root; undefined when the plan has none. */
  todoPath?: string;
  /** `squash`: one commit per step (agents); `keep`: the person's commits plus a tick commit. */
  mode: 'squash' | 'keep';
  /** Extra commit-message body (who landed it). */
  body?: string;
  test: (cwd: string) => Promise<{ ok: boolean; output: string }>;
}

export type Prepared =
  | { kind: 'ready'; commit: string }
  | { kind: 'already'; commit: string; author: string }
  | { kind: 'conflict'; files: string[]; details: string; previousDiff: string }
  | { kind: 'red'; output: string };

const MAX_DETAILS = 6000;
const clip = (s: string) => (s.length > MAX_DETAILS ? `${s.slice(0, MAX_DETAILS)}\n…(cut)` : s);

/**
 * Rebase the step branch onto `tip`, run the tests, and build the landing commit.
 * A conflict aborts the rebase (the branch is unchanged) and reports what clashed.
 */
export async function prepareLanding(o: PrepareLanding): Promise<Prepared> {
  const already = (await doneSteps(o.repoRoot, o.tip, o.planId)).get(o.step.number);
  if (already) return { kind: 'already', commit: already.commit, author: already.author };
  const forkPoint = (await git(o.dir, ['merge-base', 'HEAD', o.tip])).trim();
  const previousDiff = await git(o.dir, ['diff', forkPoint, 'HEAD']);
  const rebase = await tryGit(o.dir, ['rebase', '--quiet', o.tip]);
  if (!rebase.ok) {
    const files = (await git(o.dir, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
    const details = await git(o.dir, ['diff']);
    await tryGit(o.dir, ['rebase', '--abort']);
    if (files.length === 0) throw new Error(`git rebase failed: ${rebase.stderr.trim()}`);
    return { kind: 'conflict', files, details: clip(details), previousDiff: clip(previousDiff) };
  }
  const tests = await o.test(o.dir);
  if (!tests.ok) return { kind: 'red', output: tests.output };
  return { kind: 'ready', commit: await landingCommit(o) };
}

/** The commit to publish: HEAD's tree (+ the todo tick), parent `tip` (squash) or HEAD (keep). */
async function landingCommit(o: PrepareLanding): Promise<string> {
  let tree = (await git(o.dir, ['rev-parse', 'HEAD^{tree}'])).trim();
  if (o.todoPath) tree = await tickInTree(o, tree);
  const head = (await git(o.dir, ['rev-parse', 'HEAD'])).trim();
  const parent = o.mode === 'squash' || head === o.tip ? o.tip : head;
  const message = stepMessage({
    step: o.step.number,
    title: o.step.title,
    planId: o.planId,
    body: o.body,
    context: o.step.context,
  });
  return (await git(o.dir, ['commit-tree', tree, '-p', parent, '-F', '-'], { input: message })).trim();
}

/** A tree equal to `tree` except that todo.md has this step's box ticked (a temp index; nothing checked out changes). */
async function tickInTree(o: PrepareLanding, tree: string): Promise<string> {
  const path = o.todoPath as string;
  const entry = (await git(o.dir, ['ls-tree', tree, '--', path])).trim();
  if (!entry) return tree; // todo.md is not tracked: nothing to tick
  const [mode] = entry.split(/\s/);
  const text = await git(o.dir, ['cat-file', 'blob', `${tree}:${path}`]);
  const ticked = markStep(text, o.step.number, true);
  if (ticked === text) return tree;
  const blob = (await git(o.dir, ['hash-object', '-w', '--stdin'], { input: ticked })).trim();
  const gitDir = (await git(o.dir, ['rev-parse', '--absolute-git-dir'])).trim();
  const index = join(gitDir, `specloop-tick-${process.pid}-${o.step.number}.index`);
  try {
    await git(o.dir, ['read-tree', tree], { indexFile: index });
    await git(o.dir, ['update-index', '--cacheinfo', `${mode},${blob},${path}`], { indexFile: index });
    return (await git(o.dir, ['write-tree'], { indexFile: index })).trim();
  } finally {
    await rm(index, { force: true });
  }
}
