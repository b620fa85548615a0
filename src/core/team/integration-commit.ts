import { blobId } from '../git/blob-id.js';
import { type GitOptions, git, tryGit } from '../git/index.js';
import { markStep } from '../plan/index.js';
import { landedSteps, recordLanding, type StepUsage, stepMessage, todoTextAt } from '../run/index.js';

/**
 * Preparing a step for the integration branch. The step branch keeps the step's own
 * changes (never the todo.md tick), so re-basing it after a lost race cannot conflict on
 * todo.md; the commit that lands is built with plumbing on top of the current tip:
 * the branch's tree plus the tick, with the `Specloop-Step` / `Specloop-Plan` trailers (and,
 * from a run, what the step's attempts used: `Specloop-Attempts` / `-Tokens` / `-Cost`).
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
  /** What the step's attempts used (the usage trailers); none for `specloop done`. */
  usage?: StepUsage;
  test: (cwd: string) => Promise<{ ok: boolean; output: string }>;
  /**
   * The commit whose tree our own test run already passed in this worktree (the step's
   * attempt, just before). When the rebase leaves HEAD at exactly that commit, nothing
   * that lands differs from what was tested, and the tests are not run a second time.
   */
  testedHead?: string;
  /**
   * The commit the step branch sits on, when nothing rebased it since `testedHead` was made
   * on it: landing on that same tip needs no rebase (HEAD is `testedHead`, already on it).
   */
  onBase?: string;
  /** Told the landing commit as soon as it is built, before the tests are through (the queue's speculation). */
  onBuilt?: (commit: string) => void;
}

export type Prepared =
  /** `head`: the step branch's commit the landing was built from (the branch after the rebase). */
  | { kind: 'ready'; commit: string; head: string }
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
  // Exactly once: a step landed meanwhile (a teammate, a run that lost its claim) is not
  // landed again. The look runs beside the rebase (which only moves the step's own branch),
  // and is answered before anything is tested or built.
  const look = landedSteps(g, { dir: o.repoRoot, planId: o.planId, ref: o.tip, todoRel: o.todoPath }).then(
    (landed) => ({ landed }),
    (error: unknown) => ({ error }),
  );
  // Why skipping is safe: HEAD is the tested commit, a descendant of the tip itself, so
  // `git rebase <tip>` would find the branch up to date and change nothing.
  const inPlace = o.testedHead !== undefined && o.onBase === o.tip;
  const rebase = inPlace ? { ok: true } : await tryGit(o.dir, ['rebase', '--quiet', o.tip], g);
  const seen = await look;
  const already = 'landed' in seen ? seen.landed.get(o.step.number) : undefined;
  // A failed look, or the step already there: leave the branch as a rebase found it, never mid-way.
  if (!rebase.ok && (already || 'error' in seen)) await tryGit(o.dir, ['rebase', '--abort'], g);
  if ('error' in seen) throw seen.error;
  if (already) return { kind: 'already', commit: already.commit, author: already.author };
  if (!rebase.ok && 'stderr' in rebase) {
    const files = (await git(o.dir, ['diff', '--name-only', '--diff-filter=U'], g))
      .split('\n')
      .filter(Boolean);
    const details = await git(o.dir, ['diff'], g);
    await tryGit(o.dir, ['rebase', '--abort'], g);
    if (files.length === 0) throw new Error(`git rebase failed: ${rebase.stderr.trim()}`);
    // After the abort HEAD is the step's own work again: what it changed, for the retry's prompt
    // (read only now: a landing that goes through never needs it).
    const forkPoint = (await git(o.dir, ['merge-base', 'HEAD', o.tip], g)).trim();
    const previousDiff = await git(o.dir, ['diff', forkPoint, 'HEAD'], g);
    return { kind: 'conflict', files, details: clip(details), previousDiff: clip(previousDiff) };
  }
  // What lands is what the tests run on: HEAD as the rebase left it, read before they start.
  // The landing commit is built beside the test run and published only when it is green
  // (a red run leaves an unused commit object behind, nothing else).
  const [head, headTree] = inPlace
    ? [o.testedHead as string, `${o.testedHead}^{tree}`]
    : (await git(o.dir, ['rev-parse', 'HEAD', 'HEAD^{tree}'], g)).trim().split('\n');
  if (!head || !headTree) throw new Error(`git rev-parse HEAD failed in ${o.dir}`);
  const built = landingCommit(o, head, headTree).then(
    async ({ commit, recorded }) => {
      o.onBuilt?.(commit);
      await recorded; // no git process of this landing outlives it
      return { commit };
    },
    (error: unknown) => ({ error }),
  );
  // Why skipping is safe: the same commit in the same worktree is the same tree on the same
  // ignored files; only a rebase that moved HEAD (a step landed meanwhile) needs the tests.
  const tests = head === o.testedHead ? { ok: true, output: '' } : await o.test(o.dir);
  const b = await built;
  if (!tests.ok) return { kind: 'red', output: tests.output };
  if ('error' in b) throw b.error;
  return { kind: 'ready', commit: b.commit, head };
}

/** The commit to publish: HEAD's tree (+ the todo tick), parent `tip` (squash) or HEAD (keep). */
async function landingCommit(
  o: PrepareLanding,
  head: string,
  headTree: string,
): Promise<{ commit: string; recorded: Promise<void> }> {
  const g: GitOptions = { env: o.env };
  const { tree, todoText } = o.todoPath ? await tickInTree(o, headTree) : { tree: headTree };
  const parent = o.mode === 'squash' || head === o.tip ? o.tip : head;
  const message = stepMessage({
    step: o.step.number,
    title: o.step.title,
    planId: o.planId,
    body: o.body,
    context: o.step.context,
    usage: o.usage,
  });
  const commit = (
    await git(o.dir, ['commit-tree', tree, '-p', parent, '-F', '-'], { ...g, input: message })
  ).trim();
  // Beside the tests: what is landed at this commit, from the parent's answer (the
  // exactly-once look just made it) and this commit's own entry.
  const recorded = recordLanding(g, {
    dir: o.repoRoot,
    planId: o.planId,
    todoRel: o.todoPath,
    parent,
    commit,
    todoText,
  });
  return { commit, recorded };
}

const writeBlob = async (dir: string, text: string, g: GitOptions) =>
  (await git(dir, ['hash-object', '-w', '--stdin'], { ...g, input: text })).trim();

/**
 * The text of blob `id` when it is `candidate` — the todo.md the run already knows at the
 * tip, which a step's tree almost always carries unchanged: git's object id is the hash of
 * `blob <size>\0<content>`, so a match needs no `cat-file`. Otherwise undefined.
 */
function knownText(id: string, candidate: string | undefined): string | undefined {
  if (candidate === undefined) return undefined;
  const own = blobId(Buffer.from(candidate, 'utf8'), id.length === 64 ? 'sha256' : 'sha1');
  return own === id ? candidate : undefined;
}

/**
 * A tree equal to `tree` except that todo.md has this step's box ticked: built with
 * `ls-tree` / `mktree` from the tree itself, so nothing checked out (and no index) changes.
 * Returns the todo text in the new tree too (undefined when todo.md is not tracked as a file).
 */
async function tickInTree(o: PrepareLanding, tree: string): Promise<{ tree: string; todoText?: string }> {
  const g: GitOptions = { env: o.env };
  const path = (o.todoPath as string).split('/');
  // The tick of the todo.md the run knows at the tip, written beside the walk down the tree:
  // the step's tree almost always carries that todo.md (checked below by its object id).
  const early = todoTextAt(g, { dir: o.repoRoot, sha: o.tip, todoRel: o.todoPath as string })
    .then(async (text) => {
      if (text === undefined) return undefined;
      const ticked = markStep(text, o.step.number, true);
      const blob = ticked === text ? undefined : await writeBlob(o.dir, ticked, g);
      return { text, ticked, blob };
    })
    .catch(() => undefined); // the walk below reads it itself (and reports what is wrong)
  // Down the path: each level's listing (NUL-separated `<mode> <type> <id>\t<name>`, as mktree reads it).
  const levels: { entries: string[]; at: number }[] = [];
  let id = tree;
  for (const [depth, name] of path.entries()) {
    const entries = (await git(o.dir, ['ls-tree', '-z', id], g)).split('\0').filter(Boolean);
    const at = entries.findIndex((e) => e.slice(e.indexOf('\t') + 1) === name);
    const [mode, type, oid] = (entries[at] ?? '').split(/[ \t]/);
    const last = depth === path.length - 1;
    if (at < 0 || !oid || type !== (last ? 'blob' : 'tree') || mode === '120000') {
      await early; // not tracked (as a file): nothing to tick
      return { tree };
    }
    levels.push({ entries, at });
    id = oid;
  }
  const known = await early;
  const atTip = known && knownText(id, known.text) !== undefined ? known : undefined;
  const text = atTip?.text ?? (await git(o.dir, ['cat-file', 'blob', id], g));
  const ticked = atTip?.ticked ?? markStep(text, o.step.number, true);
  if (ticked === text) return { tree, todoText: text };
  let next = atTip?.blob ?? (await writeBlob(o.dir, ticked, g));
  // Up again: each level rewritten with the new id of the entry on the path. `--missing`:
  // every other entry is copied verbatim from an existing tree, so none needs looking up.
  for (const { entries, at } of levels.reverse()) {
    const e = entries[at] as string;
    const [mode, type] = e.split(' ');
    entries[at] = `${mode} ${type} ${next}\t${e.slice(e.indexOf('\t') + 1)}`;
    next = (
      await git(o.dir, ['mktree', '-z', '--missing'], { ...g, input: `${entries.join('\0')}\0` })
    ).trim();
  }
  return { tree: next, todoText: ticked };
}
