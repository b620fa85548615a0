import { formatCount } from '../../util/format.js';
import type { SkippedFile } from './types.js';

/**
 * How much the tree and the left-out list are condensed so they do not crowd out file
 * content under a token budget: 0 = every file; 1 = directories whose files were all left
 * out become one line; 2 and 3 = also every directory two / one level(s) down, as counts;
 * 4 = no tree, the left-out list grouped by reason.
 */
export type CondenseLevel = 0 | 1 | 2 | 3 | 4;
export const MAX_CONDENSE: CondenseLevel = 4;

/** One line of the left-out list: a file, or a condensed directory with its file count. */
export interface LeftOutEntry {
  path: string;
  reason: string;
  files?: number;
}

const dirsOf = (p: string): string[] => {
  const out: string[] = [];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i + 1));
  return out;
};

/** Directory → how the tree shows it collapsed, for one level. */
export interface Collapse {
  /** Collapsed directories (the tree prints one line for each, nothing below it). */
  dirs: Map<string, string>;
  /** For the left-out list: the collapsed directory a path falls in, if any. */
  groupOf(path: string): string | undefined;
}

/** Which directories to collapse at `level`, and the line each one gets. */
export function collapseFor(
  selected: readonly string[],
  leftOut: ReadonlyMap<string, string>,
  level: CondenseLevel,
): Collapse {
  const dirs = new Map<string, string>();
  if (level === 0) return { dirs, groupOf: () => undefined };
  const total = new Map<string, number>();
  const left = new Map<string, number>();
  const reasons = new Map<string, Set<string>>();
  for (const p of selected) {
    const r = leftOut.get(p);
    for (const d of dirsOf(p)) {
      total.set(d, (total.get(d) ?? 0) + 1);
      if (r !== undefined) {
        left.set(d, (left.get(d) ?? 0) + 1);
        let s = reasons.get(d);
        if (!s) reasons.set(d, (s = new Set()));
        s.add(r);
      }
    }
  }
  const depthCap = level === 2 ? 2 : level >= 3 ? 1 : Number.POSITIVE_INFINITY;
  const depth = (d: string) => d.split('/').length - 1;
  const chosen = new Set<string>();
  for (const [d, t] of total) {
    const full = left.get(d) === t;
    if ((full || depth(d) === depthCap) && !dirsOf(d.slice(0, -1)).some((a) => chosen.has(a))) chosen.add(d);
  }
  // keep only outermost directories
  for (const d of [...chosen]) if (dirsOf(d.slice(0, -1)).some((a) => chosen.has(a))) chosen.delete(d);
  for (const d of chosen) {
    const t = total.get(d)!;
    const l = left.get(d) ?? 0;
    const why = [...(reasons.get(d) ?? [])].join(', ');
    dirs.set(
      d,
      l === t ? `[${n(t)} files left out: ${why}]` : `[${n(t)} files: ${n(t - l)} packed, ${n(l)} left out]`,
    );
  }
  return {
    dirs,
    groupOf: (p) => (level === 4 ? '' : dirsOf(p).find((d) => chosen.has(d))),
  };
}

const n = formatCount;

/** The left-out list at a level: files in collapsed directories become one line per directory and reason. */
export function condenseLeftOut(
  skipped: readonly SkippedFile[],
  label: (s: SkippedFile) => string,
  collapse: Collapse,
): LeftOutEntry[] {
  const out: LeftOutEntry[] = [];
  const groups = new Map<string, LeftOutEntry>();
  for (const s of skipped) {
    const g = collapse.groupOf(s.path);
    const reason = label(s);
    if (g === undefined) {
      out.push({ path: s.path, reason });
      continue;
    }
    const key = `${g}\0${reason}`;
    const e = groups.get(key);
    if (e) e.files! += 1;
    else {
      const entry = { path: g === '' ? '(all directories)' : g, reason, files: 1 };
      groups.set(key, entry);
      out.push(entry);
    }
  }
  return out;
}
