import ignore, { type Ignore } from 'ignore';
import { UsageError } from '../../errors.js';

/** Expand `{a,b}` alternatives (nested allowed): `src/*.{ts,tsx}` → two patterns. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const inner = pattern.slice(start + 1, i);
        const parts = splitTopLevel(inner);
        if (parts.length < 2) continue; // `{x}` is literal, as in shells
        const head = pattern.slice(0, start);
        const rest = pattern.slice(i + 1);
        return parts.flatMap((p) => expandBraces(head + p + rest));
      }
    }
  }
  return [pattern];
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Why `pattern` is not a usable glob, or undefined when it is. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'empty pattern';
  if (pattern.includes('\0')) return 'contains a NUL byte';
  let braces = 0;
  let bracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (bracket) {
      if (c === ']' && pattern[i - 1] !== '[' && !(pattern[i - 1] === '!' && pattern[i - 2] === '['))
        bracket = false;
      continue;
    }
    if (c === '[') bracket = true;
    else if (c === '{') braces++;
    else if (c === '}') {
      if (braces === 0) return 'unmatched "}"';
      braces--;
    }
  }
  if (bracket) return 'unclosed "[" character class';
  if (braces > 0) return 'unclosed "{"';
  if (pattern.endsWith('\\')) return 'ends with a lone backslash';
  return undefined;
}

/**
 * Compile user globs (--include / --ignore) into one matcher with .gitignore semantics:
 * `*.md` matches at any depth, `src/` or `/src` anchor at the packed directory, a
 * directory pattern covers everything below it, `{a,b}` expands. Invalid globs are a
 * UsageError naming the pattern.
 */
export function compileGlobs(patterns: readonly string[], flag: string): Ignore | undefined {
  if (patterns.length === 0) return undefined;
  const ig = ignore({ ignorecase: false });
  for (const raw of patterns) {
    const problem = globProblem(raw);
    if (problem) {
      throw new UsageError(`invalid glob in ${flag}: "${raw}" (${problem})`, {
        code: 'E_GLOB',
        hint: 'globs use .gitignore syntax, e.g. "src/**/*.ts", "*.md", "docs/", "*.{ts,tsx}"',
      });
    }
    for (const p of expandBraces(raw.trim())) {
      try {
        ig.add(p);
        ig.ignores('probe'); // the ignore package compiles lazily: make bad patterns throw now
      } catch (err) {
        throw new UsageError(`invalid glob in ${flag}: "${raw}"`, { code: 'E_GLOB', cause: err });
      }
    }
  }
  return ig;
}

/** Split comma-separated CLI/config values and drop blanks: "a,b" → ["a","b"]. */
export function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => splitTopLevel(v))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
