import type { PlanStep } from '../plan/types.js';

/**
 * A line in a step's section (or prompt) that says outright whether it is test-driven:
 * `Test-driven: no`, `Tests: none`, `TDD: yes`, or a `docs only` / `documentation only` note.
 */
const MARKER =
  /^\s*(?:[-*]\s*)?(?:\*\*)?(?:test-driven|tdd|tests?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(yes|no|none|n\/a)\b/im;
const DOCS_ONLY = /\b(?:docs?|documentation)[- ]only\b/i;

// A clause asks for tests when it tells someone to write, add or extend them, or to work
// test-first. Merely running, keeping or mentioning tests does not.
const ASKS = [
  /\b(?:write|add|create|extend|update|expand|cover|include|start with|begin with|pin down)\b.*\btests?\b/i,
  /\bwith (?:a |an |the |new |some )?(?:[\w-]+ )?(?:unit |integration |regression |failing |new )?tests?\b/i,
  /\b(?:tdd|test-driven|tests? first|test-first|failing tests?|regression tests?)\b/i,
];
// Running or passing the tests ("… and run the tests", "so the existing tests pass") is
// not asking for any: such phrases are taken out of a clause before it is read.
const RUNS = [
  /\b(?:run|re-?run|execute|rerun)\s+(?:all\s+|every\s+|the\s+|its\s+|our\s+)*(?:existing\s+|whole\s+|full\s+|current\s+|unit\s+)*(?:test\s+suite|tests?|suite)\b/gi,
  /\b(?:the\s+|all\s+|existing\s+|current\s+|other\s+)*tests?\s+(?:suite\s+)?(?:still\s+|must\s+|should\s+|to\s+|keep\s+|stay\s+|remain\s+|are\s+|is\s+)*(?:pass(?:es|ing)?|green|unchanged|untouched)\b/gi,
];
const NEGATED = /\b(?:no|not|without|don't|doesn't|never|nothing|neither|nor|skip)\b.*\btests?\b/i;

/**
 * True when TDD is on and the step asks for tests: one of its clauses tells the executor
 * to write or change tests (or to work test-first), and no clause of that kind is negated
 * ("no new test is needed"). An explicit marker line in the section wins either way.
 */
export function isTddStep(step: Pick<PlanStep, 'prompt'> & { context?: string }, tdd: boolean): boolean {
  if (!tdd) return false;
  const marker = MARKER.exec(step.context ?? '') ?? MARKER.exec(step.prompt);
  if (marker) return marker[1]!.toLowerCase() === 'yes';
  if (DOCS_ONLY.test(step.context ?? '') || DOCS_ONLY.test(step.prompt)) return false;
  return asksForTests(step.prompt);
}

/** Does this text tell someone to write tests? (clause by clause, negations excluded) */
export function asksForTests(text: string): boolean {
  const clauses = text.split(/[.;!?\n]+|,\s+(?:then|and|but)\s+|\s+(?:then|but)\s+/i);
  return clauses
    .map((c) => RUNS.reduce((text, re) => text.replace(re, ' '), c))
    .some((c) => !NEGATED.test(c) && ASKS.some((re) => re.test(c)));
}

/** True when the step's section or prompt says outright whether it is test-driven. */
export function hasTddMarker(step: Pick<PlanStep, 'prompt'> & { context?: string }): boolean {
  return (
    MARKER.test(step.context ?? '') ||
    MARKER.test(step.prompt) ||
    DOCS_ONLY.test(`${step.context ?? ''}\n${step.prompt}`)
  );
}
