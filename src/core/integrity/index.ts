/**
 * The integrity rule (issue 13): what a step's change may not touch, for every executor.
 * The builtin tools refuse such paths up front (protectedReason); the landing code takes a
 * snapshot before each attempt and, after it, finds, restores and reports (enforceIntegrity).
 */
export {
  enforceIntegrity,
  findViolations,
  restoreViolations,
  type Snapshot,
  takeSnapshot,
  type Violation,
  violationNote,
} from './guard.js';
export { hiddenByIgnore, isIgnoreFile } from './ignore-lines.js';
export {
  CONFIG_NAME,
  type IntegrityPolicy,
  type PolicyOptions,
  protectedReason,
  STATE_DIR,
  stepPolicy,
} from './policy.js';
