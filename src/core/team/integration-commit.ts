import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitOptions, git, gitDir, tryGit } from '../git/index.js';
import { markStep } from '../plan/index.js';
import { landedSteps, stepMessage } from '../run/index.js';

/**
 * Preparing a step for the integration branch. The step branch keeps the step's own
 * changes (never the todo.md tick), so re-basing it after a lost race cannot conflict on
 * todo.md; the commit that lands is built with plumbing on top of the current tip:
 * the branch's tree plus the tick, with the `Specloop-Step` / `Specloop-Plan` trailers.
 */
export interface PrepareLanding extends GitOptions {
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
  const g: GitOptions = { env: o.env };
  // Exactly once: a step landed meanwhile (a teammate, a run that lost its claim) is not landed again.
  const already = (
    await landedSteps(g, { dir: o.repoRoot, planId: o.planId, ref: o.tip, todoRel: o.todoPath })
  ).get(o.step.number);
  if (already) return { kind: 'already', commit: already.commit, author: already.author };
  const forkPoint = (await git(o.dir, ['merge-base', 'HEAD', o.tip], g)).trim();
  const previousDiff = await git(o.dir, ['diff', forkPoint, 'HEAD'], g);
  const rebase = await tryGit(o.dir, ['rebase', '--quiet', o.tip], g);
  if (!rebase.ok) {
    const files = (await git(o.dir, ['diff', '--name-only', '--diff-filter=U'], g))
      .split('\n')
      .filter(Boolean);
    const details = await git(o.dir, ['diff'], g);
    await tryGit(o.dir, ['rebase', '--abort'], g);
    if (files.length === 0) throw new Error(`git rebase failed: ${rebase.stderr.trim()}`);
    return { kind: 'conflict', files, details: clip(details), previousDiff: clip(previousDiff) };
  }
  const tests = await o.test(o.dir);
  if (!tests.ok) return { kind: 'red', output: tests.output };
  return { kind: 'ready', commit: await landingCommit(o) };
}

/** The commit to publish: HEAD's tree (+ the todo tick), parent `tip` (squash) or HEAD (keep). */
async function landingCommit(o: PrepareLanding): Promise<string> {
  const g: GitOptions = { env: o.env };
  let tree = (await git(o.dir, ['rev-parse', 'HEAD^{tree}'], g)).trim();
  if (o.todoPath) tree = await tickInTree(o, tree);
  const head = (await git(o.dir, ['rev-parse', 'HEAD'], g)).trim();
  const parent = o.mode === 'squash' || head === o.tip ? o.tip : head;
  const message = stepMessage({
    step: o.step.number,
    title: o.step.title,
    planId: o.planId,
    body: o.body,
    context: o.step.context,
  });
  return (await git(o.dir, ['commit-tree', tree, '-p', parent, '-F', '-'], { ...g, input: message })).trim();
}

/** A tree equal to `tree` except that todo.md has this step's box ticked (a temp index; nothing checked out changes). */
async function tickInTree(o: PrepareLanding, tree: string): Promise<string> {
  const g: GitOptions = { env: o.env };
  const path = o.todoPath as string;
  const entry = (await git(o.dir, ['ls-tree', tree, '--', path], g)).trim();
  if (!entry) return tree; // todo.md is not tracked: nothing to tick
  const [mode] = entry.split(/\s/);
  const text = await git(o.dir, ['cat-file', 'blob', `${tree}:${path}`], g);
  const ticked = markStep(text, o.step.number, true);
  if (ticked === text) return tree;
  const blob = (await git(o.dir, ['hash-object', '-w', '--stdin'], { ...g, input: ticked })).trim();
  const index = join(await gitDir(o.dir, g), `specloop-tick-${process.pid}-${o.step.number}.index`);
  const gi = { ...g, indexFile: index };
  try {
    await git(o.dir, ['read-tree', tree], gi);
    await git(o.dir, ['update-index', '--cacheinfo', `${mode},${blob},${path}`], gi);
    return (await git(o.dir, ['write-tree'], gi)).trim();
  } finally {
    await rm(index, { force: true });
  }
}
