/**
 * `specloop change`: one change request → a small, test-guarded plan in prompt_plan format
 * (`changes/<slug>.md`), grounded in a pack of the real code.
 */
export { referencedPaths, unknownPathProblems, untestedStepProblems } from './file-refs.js';
export { type Focus, findFocus } from './focus.js';
export { type ChangeContext, gatherContext } from './gather-context.js';
export { type ChangeEvent, type ChangeOptions, type ChangeResult, planChange } from './plan-change.js';
export { commitPlanOnBranch } from './publish-plan.js';
export { changeSessionsDir } from './questions.js';
export { type RequestTerms, requestTerms } from './request-terms.js';
export { freeSlug, slugFor } from './slug.js';
