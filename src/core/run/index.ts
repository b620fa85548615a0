/**
 * `specloop run`: the step loop (runPlan) and the building blocks the team scheduler reuses
 * from its worktrees — executeStep (agent + our checks, no commit), commitStep (one commit
 * with the todo tick and the `Specloop-Step` trailer), createExecutor, runTests, the git
 * helpers and the path gate. None of them assumes a cwd or a branch: pass the directory.
 */
export { type CommitStepOptions, commitStep } from './commit-step.js';
export { hasTicks, tickedSteps, trailerSteps } from './done-state.js';
export type { OnEvent, RunEvent, Usage } from './events.js';
export {
  type ExecuteStepOptions,
  type ExecuteStepResult,
  executeStep,
  isTddStep,
  isTestFile,
} from './execute-step.js';
export {
  createExecutor,
  EXECUTOR_NAMES,
  type Executor,
  type ExecutorInput,
  type ExecutorName,
  type ExecutorOptions,
  type ExecutorResult,
} from './executors/index.js';
export * as git from './git.js';
export { PLAN_TRAILER, STEP_TRAILER, stepMessage } from './git.js';
export { type GateResult, pathGate } from './path-gate.js';
export { loadPlanSource, type PlanSource, todoPathFor } from './plan-source.js';
export { createRunView, renderDryRun } from './progress-view.js';
export { type RunPlanOptions, type RunPlanResult, runPlan, type StepReport } from './run-plan.js';
export { teamRunOptions } from './team-options.js';
export { type RunTestsOptions, runTests, type TestResult } from './test-runner.js';
