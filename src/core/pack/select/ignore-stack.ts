import { readFileSync } from 'node:fs';
import ignore, { type Ignore } from 'ignore';

interface Level {
  /** Directory the rules live in, relative to the packed root, '' or ending in '/'. */
  base: string;
  ig: Ignore;
}

/**
 * Per-directory ignore files with git's precedence: the deepest file that has an opinion
 * on a path (ignore, or `!negate`) wins; within one file the last matching line wins;
 * `.git/info/exclude` sits below every .gitignore.
 */
export class IgnoreStack {
  private levels: Level[] = [];

  /** Add rules for directory `base` (relative, '' = root). Shallow levels must come first. */
  add(base: string, text: string): void {
    if (text.trim() === '') return;
    const ig = ignore({ ignorecase: false }).add(text); // git is case-sensitive here
    this.levels.push({ base: base === '' || base.endsWith('/') ? base : `${base}/`, ig });
  }

  /** Add the rules of an ignore file if it exists and is readable. */
  addFile(base: string, file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    this.add(base, text);
  }

  get empty(): boolean {
    return this.levels.length === 0;
  }

  /** Is `rel` (a path relative to the root; `isDir` for directories) ignored? */
  ignores(rel: string, isDir: boolean): boolean {
    for (let k = this.levels.length - 1; k >= 0; k--) {
      const level = this.levels[k]!;
      if (level.base !== '' && !rel.startsWith(level.base)) continue;
      const sub = rel.slice(level.base.length);
      const r = level.ig.test(isDir ? `${sub}/` : sub);
      if (r.ignored) return true;
      if (r.unignored) return false;
    }
    return false;
  }

  /** A copy to extend for a subdirectory while walking (levels are shared, not cloned). */
  fork(): IgnoreStack {
    const s = new IgnoreStack();
    s.levels = this.levels.slice();
    return s;
  }
}
