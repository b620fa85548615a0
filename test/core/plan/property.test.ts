import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkAgreement,
  markStep,
  type Plan,
  parsePlan,
  parseTodo,
  renderPlan,
  todoFromPlan,
} from '../../../src/core/plan/index.js';
import { type GenStep, planData, todoFile } from '../../support/plan-fixtures.js';

const asPlan = (d: { overview: string; steps: GenStep[] }): Plan => ({
  overview: d.overview,
  steps: d.steps.map((s) => ({ ...s, line: 0, explicitDeps: false })),
});

describe('plan parsers (property-based)', () => {
  it('generate → render → parse gives the same steps', () => {
    fc.assert(
      fc.property(planData, (data) => {
        const parsed = parsePlan(renderPlan(asPlan(data)));
        expect(parsed.overview).toBe(data.overview);
        expect(
          parsed.steps.map(({ number, title, prompt, context, dependsOn }) => ({
            number,
            title,
            context,
            prompt,
            dependsOn,
          })),
        ).toEqual(data.steps);
      }),
      { numRuns: 200 },
    );
  });

  it('render is a fixed point: render(parse(render(p))) === render(p)', () => {
    fc.assert(
      fc.property(planData, (data) => {
        const once = renderPlan(asPlan(data));
        expect(renderPlan(parsePlan(once))).toBe(once);
      }),
      { numRuns: 100 },
    );
  });

  it('todoFromPlan always agrees with its plan', () => {
    fc.assert(
      fc.property(planData, (data) => {
        const plan = parsePlan(renderPlan(asPlan(data)));
        expect(checkAgreement(plan, parseTodo(todoFromPlan(plan)))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('parseTodo reads back generated todo files in every spelling', () => {
    fc.assert(
      fc.property(todoFile, ({ text, items }) => {
        const todo = parseTodo(text);
        expect(todo.problems).toEqual([]);
        expect(
          todo.items.map((i) => ({
            number: i.number,
            title: i.title,
            done: i.done,
            subItems: i.subItems.map(({ text, done }) => ({ text, done })),
          })),
        ).toEqual(items);
      }),
      { numRuns: 200 },
    );
  });

  it('markStep flipping a step changes exactly one byte, and only that step', () => {
    fc.assert(
      fc.property(todoFile, fc.nat(), ({ text, items }, pick) => {
        const target = items[pick % items.length]!;
        const out = markStep(text, target.number, !target.done);
        expect(out.length).toBe(text.length);
        const diffs = [...text].flatMap((ch, i) => (out[i] !== ch ? [i] : []));
        expect(diffs).toHaveLength(1);
        expect(out[diffs[0]!]).toBe(target.done ? ' ' : 'x');
        const after = parseTodo(out).items;
        expect(after.map((i) => i.done)).toEqual(items.map((i) => (i === target ? !i.done : i.done)));
      }),
      { numRuns: 200 },
    );
  });

  it('markStep is idempotent and a no-op for the current state', () => {
    fc.assert(
      fc.property(todoFile, fc.nat(), fc.boolean(), ({ text, items }, pick, done) => {
        const target = items[pick % items.length]!;
        expect(markStep(text, target.number, target.done)).toBe(text);
        const once = markStep(text, target.number, done);
        expect(markStep(once, target.number, done)).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});
