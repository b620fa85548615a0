import { type GitOptions, git } from './run-git.js';
import type { StatusEntry } from './work-tree.js';

/** One read of a checkout: HEAD, the branch and every changed, staged or untracked file. */
export interface WorkTreeState {
  /** The commit HEAD points at; undefined in a repository without commits. */
  head?: string;
  /** The checked-out branch; undefined when HEAD is detached. */
  branch?: string;
  /** As {@link status} lists them without pathspecs; a rename also names its old path. */
  entries: TreeEntry[];
}

export interface TreeEntry extends StatusEntry {
  /** The old path of a rename or copy. */
  orig?: string;
}

/** Fields before the path in each porcelain v2 record kind (`1`, `2`, `u`, `?`). */
const FIELDS: Record<string, number> = { '1': 8, '2': 9, u: 10, '?': 1 };

/**
 * HEAD, branch and the whole tree's status in ONE git process (`status --porcelain=v2
 * --branch`), where `rev-parse HEAD` + `symbolic-ref` + `status` took three. Each file is
 * listed (`--untracked-files=all`); filter with {@link withoutPaths} / {@link underPaths},
 * which give what `status` with the same exclude / path pathspecs gives.
 */
export async function readWorkTree(cwd: string, opts: GitOptions): Promise<WorkTreeState> {
  // --no-ahead-behind: an upstream far away must not make every read walk history.
  const out = await git(
    cwd,
    ['status', '--porcelain=v2', '-z', '--branch', '--no-ahead-behind', '--untracked-files=all'],
    opts,
  );
  const state: WorkTreeState = { entries: [] };
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i] as string;
    if (rec.startsWith('# branch.oid ')) {
      const oid = rec.slice('# branch.oid '.length);
      if (oid !== '(initial)') state.head = oid;
      continue;
    }
    if (rec.startsWith('# branch.head ')) {
      const name = rec.slice('# branch.head '.length);
      if (name !== '(detached)') state.branch = name;
      continue;
    }
    const n = FIELDS[rec[0] ?? ''];
    if (n === undefined) continue;
    let at = 0;
    for (let k = 0; k < n && at >= 0; k++) at = rec.indexOf(' ', at + 1);
    if (at < 0) continue;
    const path = rec.slice(at + 1);
    const code = rec[0] === '?' ? '??' : rec.slice(2, 4).replace(/\./g, ' ');
    if (rec[0] === '2') {
      // A rename or copy: its old path follows as its own NUL-terminated field.
      state.entries.push({ code, path, orig: parts[++i] });
    } else state.entries.push({ code, path });
  }
  return state;
}

const covers = (spec: string, path: string) => path === spec || path.startsWith(`${spec}/`);

/**
 * The entries `status -- :/ :(exclude,top)<p>…` would list: none under an excluded path.
 * A rename onto an excluded path shows as the deletion of its old path, one from an
 * excluded path as an addition (git pairs renames only inside the pathspec).
 */
export function withoutPaths(entries: readonly TreeEntry[], exclude: readonly string[]): TreeEntry[] {
  const out: TreeEntry[] = [];
  const kept = (p: string) => !exclude.some((x) => covers(x, p));
  for (const e of entries) {
    if (e.orig === undefined) {
      if (kept(e.path)) out.push(e);
    } else if (kept(e.path)) out.push(kept(e.orig) ? e : { code: 'A ', path: e.path });
    else if (kept(e.orig)) out.push({ code: 'D ', path: e.orig });
  }
  return out;
}

/** The entries `status -- :(top,literal)<p>…` would list (the old path of a rename counts). */
export function underPaths(entries: readonly TreeEntry[], paths: readonly string[]): TreeEntry[] {
  return entries.filter(
    (e) =>
      paths.some((p) => covers(p, e.path)) ||
      (e.orig !== undefined && paths.some((p) => covers(p, e.orig as string))),
  );
}

/** One read of a checkout shared by several readers until someone says it may be out of date. */
export interface WorkTreeView {
  read(): Promise<WorkTreeState>;
  /** The tree or HEAD may have changed: the next read asks git again. */
  forget(): void;
}

export function workTreeView(cwd: string, opts: GitOptions): WorkTreeView {
  let last: Promise<WorkTreeState> | undefined;
  return {
    read: () => {
      if (last) return last;
      const p = readWorkTree(cwd, opts);
      // A failed read is not kept: the next reader asks again (and sees the error itself).
      p.catch(() => {
        if (last === p) last = undefined;
      });
      last = p;
      return p;
    },
    forget: () => {
      last = undefined;
    },
  };
}
