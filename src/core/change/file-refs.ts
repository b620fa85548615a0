import { basename, extname } from 'node:path';
import type { Plan } from '../plan/types.js';
import { hasTddMarker, isTddStep } from '../testfiles/index.js';

const EXT =
  'js|mjs|cjs|jsx|ts|mts|cts|tsx|py|go|rs|rb|java|kt|cs|swift|php|c|h|cc|cpp|hpp|md|json|toml|ya?ml|txt|html|css|scss|sh|t|pl|pm|ex|exs|vue|svelte|sql|proto|graphql|lock|cfg|ini';
// A path-looking token not glued to a URL, a module specifier (`node:fs`) or a longer path.
const PATH = new RegExp(
  `(?<![\\w@:/.\\\\-])((?:\\.{0,2}/)?(?:[\\w@.-]+/)*[\\w@-][\\w@.-]*\\.(?:${EXT}))(?![\\w/-])`,
  'g',
);
// Product names that look like files.
const NOT_FILES = /^(?:node|next|nuxt|vue|deno|express|three|chart|d3|react|socket\.io|ember|backbone)\.js$/i;
const CREATES_BEFORE =
  /\b(?:create|creates|creating|add|adds|adding|new|write|writes|introduce|scaffold|generate|move|rename)\b((?:\s+[\w'"-]+){0,5}?)\s+[`"']?$/i;

/** File paths a text names (`words.js`, `test/words.test.js`), normalised (no `./`). */
export function referencedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PATH)) {
    const p = m[1]!.replace(/^\.\//, '');
    if (!NOT_FILES.test(p) && !p.startsWith('../') && !p.startsWith('/')) out.add(p);
  }
  return [...out];
}

/**
 * Paths a text says it creates: a creating verb a few words before the path, with no
 * "to"/"in to"/"from" between them ("create src/cache.js", "write tests in a new file
 * test/cache.test.js" create; "add pascalCase to index.js" edits).
 */
function createdPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PATH)) {
    const before =
      text
        .slice(Math.max(0, m.index - 80), m.index)
        .split(/[.!?\n]/)
        .at(-1) ?? '';
    const verb = CREATES_BEFORE.exec(before);
    if (verb && !/\b(?:to|into|inside|from|of)\b/i.test(verb[1] ?? '')) out.push(m[1]!.replace(/^\.\//, ''));
  }
  return out;
}

/** Up to three existing files that are probably what an unknown path meant. */
function nearby(path: string, known: readonly string[]): string[] {
  const base = basename(path);
  const stem = basename(path, extname(path));
  return known.filter((k) => basename(k) === base || basename(k, extname(k)) === stem).slice(0, 3);
}

/**
 * Problems of a change plan whose steps name files that do not exist: every path a step
 * mentions must be in the repository (`known`), or be created by that step or an earlier
 * one. One readable line per unknown path, with likely meant files — the repair prompt
 * hands them to the model as they are.
 */
export function unknownPathProblems(plan: Plan, known: readonly string[], file: string): string[] {
  const exists = new Set(known);
  const created = new Set<string>();
  const problems: string[] = [];
  for (const step of plan.steps) {
    const text = `${step.context}\n${step.prompt}`;
    for (const p of createdPaths(text)) created.add(p);
    for (const p of referencedPaths(text)) {
      if (exists.has(p) || created.has(p)) continue;
      const near = nearby(p, known);
      problems.push(
        `${file}: Step ${step.number} refers to ${p}, which is not in the repository and no step up to ` +
          `this one creates it${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; name only real files, or say which step creates it`,
      );
    }
  }
  return problems;
}

/**
 * With TDD on, every step of a change plan either asks for tests (test-first) or says
 * outright that it is not test-driven (`Test-driven: no`, a documentation-only step):
 * a step that silently skips tests would land untested behaviour.
 */
export function untestedStepProblems(plan: Plan, file: string): string[] {
  return plan.steps
    .filter((s) => !isTddStep(s, true) && !hasTddMarker(s))
    .map(
      (s) =>
        `${file}: Step ${s.number} neither asks for a failing test first nor says "Test-driven: no" ` +
        '(only for a step that changes no behaviour, such as documentation)',
    );
}
