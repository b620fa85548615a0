/**
 * The one run core. `specloop run` in every mode starts here: flags + config →
 * `resolveRunSettings` (one validated RunSettings), the plan (`loadPlanSource`, once), then
 * a mode — `runPlan` (solo) here, `runParallel` / `runTeam` in `core/team`, which reuse the
 * shared pieces below: the attempt loop (`executeStep`: executor + our checks, no commit),
 * the landing (`commitStep` solo; `stepMessage` + trailers for the integration commit),
 * the ONE definition of a landed step (`landedSteps` / `doneSteps`), the seams (seams.ts)
 * and the run lock. None of them assumes a cwd or a branch: pass the directory.
 */

export { betweenSteps } from './between-steps.js';
export type { OnEvent, RunEvent, Usage } from './events.js';
export {
  createExecutor,
  EXECUTOR_NAMES,
  type Executor,
  type ExecutorInput,
  type ExecutorName,
  type ExecutorOptions,
  type ExecutorResult,
} from './executors/index.js';
export { mergeHint } from './finish-hint.js';
export { defaultRunHooks, mergeHooks, newRunId, notifyAttempt } from './hooks.js';
export { type CommitStepOptions, commitStep } from './land-step.js';
export {
  doneSteps,
  hasTicks,
  type LandedStep,
  type LandedStepsOptions,
  landedSteps,
  recordLanding,
  tickedSteps,
  todoTextAt,
} from './landed-steps.js';
export { MACHINE_STATE, machineState } from './machine-state.js';
export { type GateResult, pathGate } from './path-gate.js';
export { planIdFor } from './plan-id.js';
export { type PlanProgress, planProgress } from './plan-progress.js';
export { loadPlanSource, type PlanSource, todoPathFor } from './plan-source.js';
export { type Prepared, type PrepareOptions, prepareRun as prepareRunBranch } from './prepare-run.js';
export { createRunView, renderDryRun } from './progress-view.js';
export { runErrors } from './run-errors.js';
export { acquireRunLock, pidAlive, type RunLock } from './run-lock.js';
export type {
  AttemptObserver,
  AttemptRef,
  BetweenStepsDecision,
  BetweenStepsHook,
  PreLandCheck,
  PreLandVerdict,
  RunHooks,
  StepChange,
} from './seams.js';
export { checkStepRunnable, nextStep, type Selection } from './select.js';
export { type RunFlags, type RunMode, type RunSettings, resolveRunSettings } from './settings.js';
export { type RunDeps, runPlan } from './solo-run.js';
export {
  type ExecuteStepOptions,
  type ExecuteStepResult,
  executeStep,
  isTddStep,
  isTestFile,
  restorePaths,
} from './step-attempts.js';
export { type PreflightOptions, testPreflight } from './test-preflight.js';
export { type RunTestsOptions, runTests, type TestResult } from './test-runner.js';
export {
  ATTEMPTS_TRAILER,
  COST_TRAILER,
  PLAN_TRAILER,
  parseStepUsage,
  REVERT_TRAILER,
  STEP_TRAILER,
  type StepUsage,
  stepMessage,
  TOKENS_TRAILER,
  usageOf,
} from './trailers.js';
export type { RunPlanResult, StepReport } from './types.js';
export { guardWrite } from './write-guard.js';
