/**
 * Plan files: the parser/validator for prompt_plan.md and todo.md (exact offsets, so
 * ticking a box preserves every other byte), the step DAG, and plan generation.
 */
export { checkAgreement } from './agreement.js';
export { blockedSteps, criticalPathLength, findCycle, readySteps } from './dag.js';
export { type DraftEvent, type DraftTotals, unwrapDocument } from './draft.js';
export { formatProblems, PlanFormatError } from './errors.js';
export { type GeneratedPlan, type GeneratePlanOptions, generatePlan } from './generate.js';
export { markStep } from './mark-step.js';
export { inspectPlan, parsePlan } from './parse-plan.js';
export { parseTodo } from './parse-todo.js';
export { type PlanProjectOptions, type PlanProjectResult, planProject, readSpec } from './plan-project.js';
export { dependsLine, renderPlan, renderTodo, todoFromPlan } from './render.js';
export { type ProjectStatus, projectStatus } from './status.js';
export { mergeTodo, type SyncTodoOptions, type SyncTodoResult, syncTodo } from './sync-todo.js';
export type { Plan, PlanProblem, PlanStep, Todo, TodoItem, TodoSubItem } from './types.js';
export { planProblems, todoProblems } from './validate.js';
