import { isGitSegment } from '../run/path-gate.js';

/**
 * What a step's change may not touch. Paths are repo-relative with forward slashes. The
 * policy is data so the builtin tools (refuse up front) and the landing code (detect,
 * restore, report) apply the SAME rule.
 */
export interface IntegrityPolicy {
  /** Exact files: todo, plan, spec (unless allowed) — the inputs and records of the run. */
  files: string[];
  /** spec.md may change in this step (only when the step itself is about the spec). */
  allowSpec: boolean;
}

export interface PolicyOptions {
  /** Repo-relative todo file (default `todo.md`). */
  todo?: string;
  /** Repo-relative plan file (default `prompt_plan.md`). */
  plan?: string;
  /** Repo-relative spec file (default `spec.md`). */
  spec?: string;
  /** Let the step change the spec. Never by default. */
  allowSpec?: boolean;
}

/** The config file name: protected wherever it is (config loading walks up from any folder). */
export const CONFIG_NAME = 'specloop.toml';
/** specloop's own folder: project templates, state, journal, run records. */
export const STATE_DIR = '.specloop';

const norm = (p: string) => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');

/** The policy for one step; defaults are the file names `specloop plan` writes. */
export function stepPolicy(o: PolicyOptions = {}): IntegrityPolicy {
  const files = [o.todo ?? 'todo.md', o.plan ?? 'prompt_plan.md'];
  if (!o.allowSpec) files.push(o.spec ?? 'spec.md');
  return { files: files.map(norm), allowSpec: Boolean(o.allowSpec) };
}

/**
 * Why a step may not change `rel`, or undefined when it may. The text is for the model: it
 * says what the file is and what to do instead. `.gitignore` is not refused here (a step may
 * add ignore lines); {@link hiddenByIgnore} judges what its new lines hide.
 */
export function protectedReason(policy: IntegrityPolicy, rel: string): string | undefined {
  const p = norm(rel);
  const segments = p.split('/');
  const lower = p.toLowerCase();
  if (segments.some(isGitSegment)) return `${rel} is git's internal data; a step changes the work tree only`;
  if (segments.includes(STATE_DIR))
    return `${rel} is specloop's own state or templates (${STATE_DIR}/); a step may not change it`;
  if (segments[segments.length - 1]?.toLowerCase() === CONFIG_NAME)
    return `${rel} is specloop's configuration (test command, models); a step may not change it — if the test command is wrong, say so in your finish summary`;
  // Case-insensitive: on macOS and Windows `TODO.md` is todo.md.
  if (policy.files.some((f) => f.toLowerCase() === lower))
    return `${rel} is one of specloop's run files (plan, checklist, spec); specloop ticks the checklist itself when the step's tests pass — change the code, not this file`;
  return undefined;
}
