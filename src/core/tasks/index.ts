/** Tasks: named pipelines (pack → template → model → output file), built-in or from config. */
export { askYesNo } from './ask-yes-no.js';
export { BUILT_IN_TASKS, GENERATED_FILES, type TaskSpec } from './builtin-tasks.js';
export { CONTEXT_WINDOWS, contextWindowOf, DEFAULT_CONTEXT_WINDOW } from './context-windows.js';
export {
  ensureOutputDir,
  excludeStrayOutputs,
  isStrayOutput,
  outputDir,
  taskOutputPath,
} from './output-dir.js';
export { assertFits, type CallEstimate, describeEstimate, estimateCall } from './preflight.js';
export { getTask, listTasks, type TaskDefinition, taskOutput } from './resolve-tasks.js';
export { type RunTaskOptions, type RunTaskResult, runTask } from './run-task.js';
export { resolveVariables } from './variables.js';
