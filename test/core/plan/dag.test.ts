import { describe, expect, it } from 'vitest';
import {
  blockedSteps,
  criticalPathLength,
  findCycle,
  parsePlan,
  readySteps,
} from '../../../src/core/plan/index.js';
import { VALID_PLAN } from '../../support/plan-fixtures.js';

describe('step DAG', () => {
  const plan = parsePlan(VALID_PLAN);

  it('readySteps: only step 1 at the start', () => {
    expect(readySteps(plan, new Set())).toEqual([1]);
  });

  it('readySteps: independent steps are ready together', () => {
    expect(readySteps(plan, new Set([1]))).toEqual([2, 3]);
    expect(readySteps(plan, new Set([1, 2]))).toEqual([3]);
    expect(readySteps(plan, new Set([1, 2, 3]))).toEqual([4]);
    expect(readySteps(plan, new Set([1, 2, 3, 4]))).toEqual([]);
  });

  it('blockedSteps names what each step waits on', () => {
    expect(blockedSteps(plan, new Set([1, 2]))).toEqual([{ step: 4, waitingOn: [3] }]);
  });

  it('criticalPathLength is the longest chain', () => {
    expect(criticalPathLength(plan)).toBe(3);
  });

  it('findCycle returns a closed path or undefined', () => {
    expect(findCycle(plan.steps)).toBeUndefined();
    expect(
      findCycle([
        { number: 1, dependsOn: [3] },
        { number: 2, dependsOn: [1] },
        { number: 3, dependsOn: [2] },
      ]),
    ).toEqual([1, 3, 2, 1]); // 1 depends on 3, 3 on 2, 2 on 1;
  });
});
